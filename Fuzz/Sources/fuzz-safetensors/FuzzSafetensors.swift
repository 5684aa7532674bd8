import FTFTEncoder
import FTFTTensors
import FuzzSupport

/// Safetensors: the header parser and validator (from bytes in memory, an exact-size heap copy, so the address
/// sanitizer sees any read past the end), reading every tensor a valid header describes, and loading the file
/// as a Hugging Face checkpoint into a tiny BERT (`make_seeds.py` writes a matching seed).
@main enum FuzzSafetensors {
    /// The tiny BERT the checkpoint step loads into: V 8, C 4, L 1, NH 2, F 8, P 8, TV 2, K 2.
    static let config = BertConfig(vocabSize: 8, hiddenSize: 4, layers: 1, heads: 2, intermediateSize: 8,
                                   maxPositions: 8, typeVocabSize: 2, numLabels: 2)
    static let configJSON = """
        {"model_type": "bert", "vocab_size": 8, "hidden_size": 4, "num_hidden_layers": 1, "num_attention_heads": 2,
         "intermediate_size": 8, "max_position_embeddings": 8, "type_vocab_size": 2, "num_labels": 2}
        """
    static let sentinel: Float = -1234.5

    static func main() {
        let scratch = Scratch("safetensors")
        scratch.write("config.json", configJSON)
        let model: BertClassifier
        do { model = try BertClassifier(config: config) } catch { Fuzzer.fail("tiny config rejected: \(error)") }
        Fuzzer.run { bytes in
            let name = "input.safetensors"
            let file: SafetensorsFile
            do {
                file = try SafetensorsFile(bytes: bytes, path: name)
            } catch {
                Fuzzer.expectRejection(error, EncoderError.self, naming: name)
                return
            }
            readEveryTensor(file)
            if !file.tensors.isEmpty { loadAsCheckpoint(bytes, scratch: scratch, model: model) }
        }
    }

    /// A validated header promises every tensor is inside the data: each must read, as Float32 for F32/F16/BF16,
    /// as Int64 for I64, and any other dtype must be refused by name.
    static func readEveryTensor(_ file: SafetensorsFile) {
        for tensor in file.tensors {
            do {
                if tensor.dtype.convertsToFloat {
                    let values = try file.floats(tensor.name)
                    Fuzzer.check(values.count == tensor.count, "\(tensor.name): \(values.count) values for shape \(tensor.shape)")
                } else if tensor.dtype == .i64 {
                    Fuzzer.check(try file.int64s(tensor.name).count == tensor.count, "\(tensor.name): wrong I64 count")
                } else {
                    do {
                        _ = try file.floats(tensor.name)
                        Fuzzer.fail("\(tensor.name): dtype \(tensor.dtype.rawValue) read as floats")
                    } catch EncoderError.unsupportedDType(_, let refused, _) {
                        Fuzzer.check(refused == tensor.name, "unsupportedDType names \(refused), not \(tensor.name)")
                    }
                }
            } catch {
                Fuzzer.fail("a tensor of a validated file does not read: \(error)")
            }
        }
    }

    /// Loads the file beside the tiny config. A refusal must be an `EncoderError` naming a file of the folder and
    /// must leave the model untouched; a success must account for every parameter.
    static func loadAsCheckpoint(_ bytes: UnsafeRawBufferPointer, scratch: Scratch, model: BertClassifier) {
        let weights = scratch.write("model.safetensors", bytes)
        model.parameters.fill(sentinel)
        do {
            let checkpoint = try PretrainedCheckpoint(directory: scratch.folder)
            let report = try checkpoint.load(into: model, random: SeededRandom(seed: 1))
            Fuzzer.check(report.loaded.count + report.freshlyInitialized.count == model.parameterEntries.count,
                         "load report does not cover every parameter: \(report)")
            for name in report.freshlyInitialized {
                Fuzzer.check(name.hasPrefix("bert.pooler.") || name.hasPrefix("classifier."), "\(name) initialised fresh")
            }
        } catch {
            Fuzzer.expectRejection(error, EncoderError.self, naming: scratch.folder)
            Fuzzer.check(model.parameters.buffer.allSatisfy { $0 == sentinel },
                         "a refused load wrote into the model (\(error)); weights at \(weights)")
        }
    }
}

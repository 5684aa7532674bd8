import Foundation
import FTFTData
import FTFTEncoder
import FTFTIO
import FTFTStore

/// Which weights of a method's main run are kept as a Hugging Face model folder (`keep:` in an experiment file,
/// `ftft train --save-model`).
public enum ModelKeep: String, Sendable, Codable, CaseIterable {
    /// Nothing is kept (the default: weights take space).
    case none
    /// The weights at the evaluation with the best early-stopping criterion (mean OOD-dev metric, or the
    /// validation metric without OOD dev sets; ties keep the earlier one — the checkpoint early-stopped methods report).
    case best
    /// The weights when training ended (at max_steps, or at the live early stop).
    case last
}

/// A run's model as a folder Hugging Face `transformers` and `ftft predict` load as they are:
/// `config.json` (`BertForSequenceClassification`, with id2label from the task's class names), `model.safetensors`
/// (Hugging Face tensor names) and the tokenizer's files (the pretrained folder's `tokenizer.json`, `vocab.txt`,
/// `tokenizer_config.json`, `special_tokens_map.json`; for the embedded vocabulary a `vocab.txt` and a
/// `tokenizer_config.json` that make `BertTokenizer` give the same ids).
public enum ModelExport {
    /// The folder of a run's kept model, relative to the experiment folder: `models/run-<id>-<best|last>`.
    public static func relativeFolder(run: RunID, keep: ModelKeep) -> String {
        "models/run-\(run.rawValue)-\(keep.rawValue)"
    }

    /// Where a run keeps the weights of its best evaluation while it trains (moved into the model folder at the end).
    static func bestWeightsPath(experimentDirectory: String, run: RunID) -> String {
        URL(fileURLWithPath: experimentDirectory).appendingPathComponent("checkpoints/run-\(run.rawValue)-best.safetensors").path
    }

    /// True when the run's model folder of this kind is complete on disk.
    static func exists(experimentDirectory: String, run: RunID, keep: ModelKeep) -> Bool {
        let folder = URL(fileURLWithPath: experimentDirectory).appendingPathComponent(relativeFolder(run: run, keep: keep))
        return ["config.json", "model.safetensors"].allSatisfy {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
        }
    }

    /// Writes the model folder (all files appear together; see `OutputFolder`).
    /// - Parameters:
    ///   - model: the model as trained; its parameters are the weights unless `weightsFile` is given.
    ///   - weightsFile: a Hugging Face `model.safetensors` of the same model (the best evaluation's weights).
    public static func write(model: BertClassifier, weightsFile: String? = nil, labelNames: [String], encoder: ExampleEncoder,
                             to folder: String, metadata: [String: String] = [:]) throws {
        var files: [(name: String, data: Data)] = [
            ("config.json", Data(try model.config.huggingFaceConfigJSON(labelNames: labelNames).utf8)),
        ]
        let weights: Data
        if let weightsFile {
            guard let data = FileManager.default.contents(atPath: weightsFile) else {
                throw IOError.cannotOpen(path: weightsFile, reason: "the kept weights are missing")
            }
            weights = data
        } else {
            let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("ftft-export-\(UUID().uuidString).safetensors").path
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            try model.writeHuggingFaceWeights(path: temporary, metadata: metadata)
            guard let data = FileManager.default.contents(atPath: temporary) else {
                throw IOError.writeFailed(path: temporary, reason: "cannot read back the weights just written")
            }
            weights = data
        }
        files.append(("model.safetensors", weights))
        files += try tokenizerFiles(encoder, maxLength: model.config.maxPositions)
        try OutputFolder.write(files, to: folder)
    }

    /// The tokenizer's files for the model folder.
    static func tokenizerFiles(_ encoder: ExampleEncoder, maxLength: Int) throws -> [(name: String, data: Data)] {
        if let wordPiece = encoder as? WordPieceEncoder {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: wordPiece.path, isDirectory: &isDirectory)
            let source = URL(fileURLWithPath: wordPiece.path)
            let folder = isDirectory.boolValue ? source : source.deletingLastPathComponent()
            var files: [(name: String, data: Data)] = []
            if !isDirectory.boolValue, let data = FileManager.default.contents(atPath: source.path) {
                // A tokenizer given as a file: under the name Hugging Face looks for.
                files.append((source.pathExtension.lowercased() == "json" ? "tokenizer.json" : "vocab.txt", data))
            }
            for name in ["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"]
            where !files.contains(where: { $0.name == name }) {
                if isDirectory.boolValue || name.hasSuffix("config.json") || name == "special_tokens_map.json",
                   let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) {
                    files.append((name, data))
                }
            }
            if !files.contains(where: { $0.name == "tokenizer_config.json" }) {
                files.append(("tokenizer_config.json", Data(tokenizerConfig(maxLength: maxLength).utf8)))
            }
            return files
        }
        if encoder is EmbeddedVocabularyEncoder {
            return [("vocab.txt", Data(EmbeddedVocabulary.vocabularyText.utf8)),
                    ("tokenizer_config.json", Data(tokenizerConfig(maxLength: maxLength).utf8))]
        }
        throw ExperimentError.unavailable(what: "the tokenizer's files", reason: "\(type(of: encoder)) cannot be exported")
    }

    /// An uncased BERT `tokenizer_config.json` (transformers' `BertTokenizer` defaults, written out).
    static func tokenizerConfig(maxLength: Int) -> String {
        """
        {
          "cls_token": "[CLS]",
          "do_lower_case": true,
          "mask_token": "[MASK]",
          "model_max_length": \(maxLength),
          "pad_token": "[PAD]",
          "sep_token": "[SEP]",
          "strip_accents": null,
          "tokenize_chinese_chars": true,
          "tokenizer_class": "BertTokenizer",
          "unk_token": "[UNK]"
        }

        """
    }
}

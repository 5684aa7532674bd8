import FTFTData
import FTFTEncoder
import FTFTStore
import FTFTTensors
import FTFTText
import Foundation

/// The parser each catalogue `reader` names, run on a case.
enum CorpusReaders {
    struct UnknownReader: Error, CustomStringConvertible { let description: String }

    /// Runs `reader` on `path`; returns the error it threw, or nil if it accepted the file.
    static func run(_ reader: String, path: String, mapping: ColumnMapping) throws -> Error? {
        do {
            switch reader {
            case "safetensors":
                // What a weights loader does: open, then read every tensor as Float32.
                let file = try SafetensorsFile(path: path)
                for tensor in file.tensors { _ = try file.floats(tensor.name) }
            case "tokenizer": _ = try WordPieceTokenizer.load(path: path)
            case "generic-jsonl": _ = try LabeledDataset.readGeneric(path: path, format: .jsonl, mapping: mapping, name: "case")
            case "generic-csv": _ = try LabeledDataset.readGeneric(path: path, format: .csv, mapping: mapping, name: "case")
            case "generic-tsv": _ = try LabeledDataset.readGeneric(path: path, format: .tsv, mapping: mapping, name: "case")
            case "anli": _ = try LabeledDataset.readANLI(path: path, name: "case")
            case "mnli-jsonl": _ = try LabeledDataset.readMultiNLIJSONL(path: path)
            case "glue-mnli": _ = try LabeledDataset.readGLUEMultiNLI(path: path)
            case "mnli-bert100": _ = try LabeledDataset.readMultiNLIBert100(path: path)
            case "hans": _ = try LabeledDataset.readHANS(path: path)
            case "cad": _ = try LabeledDataset.readCAD(path: path)
            case "dynahate": _ = try LabeledDataset.readDynaHate(path: path)
            default: throw UnknownReader(description: "catalogue reader '\(reader)' is not known to CorpusReaders")
            }
        } catch let error as UnknownReader {
            throw error
        } catch {
            return error
        }
        return nil
    }

    /// The same safetensors bytes through the in-memory entry point, under the same name.
    static func safetensorsFromBytes(path: String) throws -> Error? {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        do {
            let file = try bytes.withUnsafeBytes { try SafetensorsFile(bytes: $0, path: path) }
            for tensor in file.tensors { _ = try file.floats(tensor.name) }
        } catch {
            return error
        }
        return nil
    }

    /// A pretrained case: the case folder copied to `folder`, model.safetensors written there from `weights`
    /// (when given), then loaded into a model of the folder's own configuration the way `from_pretrained` does.
    /// Returns the error and, when a model was built, whether its parameters were left untouched.
    static func runPretrained(_ c: Catalogue.Case, copyIn folder: URL) throws -> (error: Error?, untouched: Bool?) {
        let source = Catalogue.folder.appendingPathComponent(c.file)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        if let weights = c.weights {
            try PretrainedWeights.write(weights, to: folder.appendingPathComponent("model.safetensors").path)
        }
        let checkpoint: PretrainedCheckpoint
        do { checkpoint = try PretrainedCheckpoint(directory: folder.path) } catch { return (error, nil) }
        let model = try BertClassifier(config: checkpoint.config)
        let sentinel: Float = -1234.5
        model.parameters.fill(sentinel)
        do {
            try checkpoint.load(into: model, random: SeededRandom(seed: 3))
        } catch {
            return (error, model.parameters.buffer.allSatisfy { $0 == sentinel })
        }
        return (nil, nil)
    }
}

extension CorpusReaders {
    /// A store case: the case folder (an experiment directory) copied to `folder`, opened read-only, then
    /// read-write. Returns both errors and whether the folder is exactly as copied afterwards (no file changed,
    /// none added: a refused open must not "repair" a damaged store or leave journal files).
    static func runStore(_ c: Catalogue.Case, copyIn folder: URL) throws -> (readOnly: Error?, readWrite: Error?, unchanged: Bool) {
        let source = Catalogue.folder.appendingPathComponent(c.file)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        func snapshot() throws -> [String: Data] {
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
            }
            return files
        }
        let before = try snapshot()
        func attempt(_ access: RunStore.Access) -> Error? {
            do { _ = try RunStore.open(directory: folder.path, access: access) } catch { return error }
            return nil
        }
        let readOnly = attempt(.readOnly), readWrite = attempt(.readWrite)
        return (readOnly, readWrite, try snapshot() == before)
    }
}

/// Writes a small model.safetensors for a pretrained case (raw, so a parameter can be stored in another dtype).
enum PretrainedWeights {
    static func write(_ spec: Catalogue.Weights, to path: String) throws {
        let config = try PretrainedCheckpoint.readConfig(path: Catalogue.path(spec.layout))
        let prefix = spec.prefix ?? "bert."
        var tensors: [(name: String, shape: [Int])] = ParameterLayout(config: config).entries.map { entry in
            let name = entry.name.hasPrefix("bert.") ? prefix + entry.name.dropFirst(5) : entry.name
            return (name, entry.shape)
        }
        tensors.removeAll { spec.drop?.contains($0.name) ?? false }
        tensors += (spec.add ?? []).map { ($0.name, $0.shape) }

        var header: [String] = []
        var data: [UInt8] = []
        for tensor in tensors {
            let count = tensor.shape.reduce(1, *)
            let dtype = spec.dtype?[tensor.name] ?? "F32"
            let begin = data.count
            switch dtype {
            case "F32":
                for i in 0..<count { withUnsafeBytes(of: (Float(i) * 0.01).bitPattern.littleEndian) { data += $0 } }
            case "I64":
                for i in 0..<count { withUnsafeBytes(of: Int64(i).littleEndian) { data += $0 } }
            default:
                throw CorpusReaders.UnknownReader(description: "weights dtype \(dtype) is not supported by PretrainedWeights")
            }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            header.append("\"\(tensor.name)\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(begin),\(data.count)]}")
        }
        let json = Array(("{" + header.joined(separator: ",") + "}").utf8)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes += $0 }
        try Data(bytes + json + data).write(to: URL(fileURLWithPath: path))
    }
}

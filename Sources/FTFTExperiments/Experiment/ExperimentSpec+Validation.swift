import Foundation
import FTFTData

extension ExperimentSpec {
    /// Number of evaluations of a full-length run: after every `evalInterval` updates and after the last one
    /// (FTFT's schedule, method.md §1.6): ⌈maxSteps / evalInterval⌉.
    public var evaluationsPerFullRun: Int { evaluationsPerFullRun(ofModel: "") }

    /// The same for a run of model `name`, with its own `max_steps` when it has one.
    public func evaluationsPerFullRun(ofModel name: String) -> Int {
        (maxSteps(ofModel: name) + training.evalInterval - 1) / training.evalInterval
    }

    /// Checks everything that can be checked without reading the data: names, references between keys, ranges
    /// that depend on other keys, and that every file and folder named exists. `lines` maps key paths to lines.
    func validate(file: String, lines: [String: Int]) throws {
        func line(_ path: String) -> Int? { lines[path] }
        func outOfRange(_ path: String, _ reason: String) -> ExperimentError {
            .outOfRange(file: file, path: path, line: line(path), reason: reason)
        }
        func invalid(_ path: String, _ reason: String) -> ExperimentError {
            .invalidValue(file: file, path: path, line: line(path), reason: reason)
        }
        func requireExists(_ path: String, at keyPath: String, directory: Bool = false) throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue == directory else {
                throw ExperimentError.missingFile(file: file, path: keyPath, line: line(keyPath),
                                                  missing: directory ? "the folder \(path)" : "the file \(path)")
            }
        }

        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(allowed.contains), !name.hasPrefix(".") else {
            throw invalid("experiment", "\"\(name)\" must be letters, digits, '.', '_' or '-' (it names a folder)")
        }
        guard !seeds.isEmpty else { throw outOfRange("seeds", "at least one seed is needed") }
        guard Set(seeds).count == seeds.count else { throw invalid("seeds", "a seed appears twice") }
        guard (1...256).contains(threads) else { throw outOfRange("threads", "must be in 1…256 (got \(threads))") }
        guard (2...4096).contains(task.maxLength) else {
            throw outOfRange("task.max_length", "must be in 2…4096 (got \(task.maxLength))")
        }
        guard training.evalInterval <= training.maxSteps else {
            throw outOfRange("training.eval_interval", "\(training.evalInterval) exceeds max_steps \(training.maxSteps)")
        }
        switch task.kind {
        case .nli, .hsd:
            let root = task.dataRoot ?? ""
            try requireExists(root, at: "task.data_root", directory: true)
            for spec in try taskDefinition().allSets {
                guard case .file(let relative, _) = spec.source.fileSource else { continue }
                try requireExists(TaskDefinition.resolve(relative, dataRoot: root), at: "task.data_root")
            }
        case .files(let files):
            var named: [(String, CustomTaskFiles.File)] = [("train", files.train)] + (files.validation.map { [("validation", $0)] } ?? [])
            named += files.oodDev.enumerated().map { ("ood_dev[\($0)]", $1) }
            named += files.oodTest.enumerated().map { ("ood_test[\($0)]", $1) }
            for (key, f) in named { try requireExists(f.path, at: "task.\(key).path") }
        case .embedded:
            break
        }
        guard !models.isEmpty else { throw outOfRange("models", "at least one model is needed") }
        for model in models {
            let path = "models.\(model.name)"
            if case .pretrained(let directory) = model.source {
                try requireExists(directory, at: path + ".pretrained", directory: true)
                for needed in ["config.json", "model.safetensors"] {
                    try requireExists(URL(fileURLWithPath: directory).appendingPathComponent(needed).path, at: path + ".pretrained")
                }
            }
            if let tokenizer = model.tokenizer {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: tokenizer, isDirectory: &isDirectory) else {
                    throw ExperimentError.missingFile(file: file, path: path + ".tokenizer", line: line(path + ".tokenizer"),
                                                      missing: tokenizer)
                }
            }
            if case .scratch = model.source, model.tokenizer == nil, task.name != "embedded" {
                throw invalid(path, "a model trained from scratch on task \(task.name) needs tokenizer: <vocab.txt or model dir>")
            }
        }
        guard !methods.isEmpty else { throw outOfRange("methods", "at least one method is needed") }
        var labels = Set<String>()
        for (i, method) in methods.enumerated() {
            let path = "methods[\(i)]"
            guard labels.insert(method.label).inserted else { throw invalid(path, "the label \"\(method.label)\" is used twice") }
            guard model(named: method.model) != nil else {
                throw invalid(path + ".model", "\"\(method.model)\" is not one of the models")
            }
            if let reference = method.reference, model(named: reference) == nil {
                throw invalid(path + ".reference", "\"\(reference)\" is not one of the models")
            }
            if let subset = method.subsetFile { try requireExists(subset, at: path + ".subset_file") }
            if let dynamics = method.referenceDynamics { try requireExists(dynamics, at: path + ".reference_dynamics", directory: true) }
            let evaluations = evaluationsPerFullRun(ofModel: method.model)
            if let patience = method.patience, patience >= evaluations {
                throw outOfRange(path + ".patience", "patience \(patience) must be below the \(evaluations) evaluations of a full run of \(method.model) (max_steps / eval_interval), or training can never stop early")
            }
        }
        // After the methods: compute_unit defaults to a method's model, so an undefined model is reported where
        // the user wrote it (methods[i].model), not as a compute_unit the file never mentions.
        guard model(named: computeUnit) != nil else {
            throw invalid("compute_unit", "\"\(computeUnit)\" is not one of the models (\(models.map(\.name).joined(separator: ", ")))")
        }
    }
}

extension TaskDefinition {
    /// Every set of the task: train, validation, OOD dev, OOD test.
    var allSets: [DatasetSpec] { [train, validation] + oodDev + oodTest }
}

extension DatasetSpec.Source {
    /// The file a set is read from, as a `.file` source (splits read a whole file too); nil for generated sets.
    var fileSource: DatasetSpec.Source? {
        switch self {
        case .file: return self
        case .split(let path, let format, _, _, _): return .file(path: path, format: format)
        case .embedded: return nil
        }
    }
}

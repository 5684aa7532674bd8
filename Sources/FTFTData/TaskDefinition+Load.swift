import FTFTDeterminism
import Foundation

extension TaskDefinition {
    /// Reads (or generates) every set of the task. Each file is read once even if several sets come from it
    /// (a split's two parts); any error aborts the whole load, so nothing half-loaded is returned.
    /// `dataRoot` defaults to `TaskDefinition.defaultDataRoot()`; it is not needed by the embedded task.
    public func load(dataRoot: String? = nil) throws -> TaskData {
        let root = dataRoot ?? Self.defaultDataRoot()
        var loader = SetLoader(task: name, dataRoot: root)
        return TaskData(task: self, train: try loader.load(train), validation: try loader.load(validation),
                        oodDev: try oodDev.map { try loader.load($0) }, oodTest: try oodTest.map { try loader.load($0) })
    }
}

/// Loads specs with a cache of whole files, split results and generated tasks.
private struct SetLoader {
    let task: String
    let dataRoot: String
    var files: [FileKey: LabeledDataset] = [:]
    var splits: [SplitKey: (train: LabeledDataset, validation: LabeledDataset)] = [:]
    var embedded: [EmbeddedTaskConfig: EmbeddedTask] = [:]

    struct FileKey: Hashable { let path: String, format: DatasetFormat }
    struct SplitKey: Hashable { let file: FileKey, fraction: Double, seed: UInt64 }

    mutating func load(_ spec: DatasetSpec) throws -> LabeledDataset {
        var set: LabeledDataset
        switch spec.source {
        case .file(let path, let format):
            set = try file(path, format, name: spec.name)
        case .split(let path, let format, let part, let fraction, let seed):
            let key = SplitKey(file: FileKey(path: path, format: format), fraction: fraction, seed: seed)
            let halves: (train: LabeledDataset, validation: LabeledDataset)
            if let cached = splits[key] {
                halves = cached
            } else {
                halves = try file(path, format, name: spec.name)
                    .stratifiedSplit(validationFraction: fraction, random: SeededRandom(seed: seed))
                splits[key] = halves
            }
            set = part == .train ? halves.train : halves.validation
        case .embedded(let config, let part):
            let generated: EmbeddedTask
            if let cached = embedded[config] {
                generated = cached
            } else {
                generated = try EmbeddedTask(config: config)
                embedded[config] = generated
            }
            switch part {
            case .train: set = generated.train
            case .validation: set = generated.validation
            case .oodDev: set = generated.oodDev
            case .oodTest: set = generated.oodTest
            }
        }
        set.name = spec.name
        return set
    }

    mutating func file(_ path: String, _ format: DatasetFormat, name: String) throws -> LabeledDataset {
        let resolved = TaskDefinition.resolve(path, dataRoot: dataRoot)
        let key = FileKey(path: resolved, format: format)
        if let cached = files[key] { return cached }
        var isDirectory: ObjCBool = false
        if !path.hasPrefix("/"), !FileManager.default.fileExists(atPath: dataRoot, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw DatasetError.unknownDataset(task: task, name: name,
                                              reason: "the data root \(dataRoot) is not a folder (set FTFT_DATA or pass a data root)")
        }
        let set = try LabeledDataset.read(path: resolved, format: format, name: name)
        files[key] = set
        return set
    }
}

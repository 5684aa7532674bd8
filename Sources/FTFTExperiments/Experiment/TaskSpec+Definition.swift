import Foundation
import FTFTCartography
import FTFTData
import FTFTIO
import FTFTTensors

extension TaskSpec {
    /// The FTFTData task this spec names.
    public func definition() -> TaskDefinition {
        switch kind {
        case .embedded(let config): return .embedded(config)
        case .nli(let fraction, let seed): return .nli(validationFraction: fraction, splitSeed: seed)
        case .hsd: return .hsd()
        case .files(let files):
            func format(_ f: CustomTaskFiles.File) -> DatasetFormat {
                let mapping = ColumnMapping(textField: f.textField, pairField: f.pairField, labelField: f.labelField,
                                            idField: f.idField, labels: .names(files.labels))
                return .generic(DataFileFormat(rawValue: f.format) ?? .jsonl, mapping)
            }
            func spec(_ f: CustomTaskFiles.File) -> DatasetSpec {
                DatasetSpec(name: f.name, source: .file(path: f.path, format: format(f)), metric: files.metric)
            }
            let train: DatasetSpec, validation: DatasetSpec
            if let file = files.validation {
                (train, validation) = (spec(files.train), spec(file))
            } else {
                func part(_ part: SplitPart, _ name: String) -> DatasetSpec {
                    DatasetSpec(name: name, source: .split(path: files.train.path, format: format(files.train), part: part,
                                                           validationFraction: files.validationFraction,
                                                           splitSeed: files.splitSeed), metric: files.metric)
                }
                (train, validation) = (part(.train, files.train.name), part(.validation, "validation"))
            }
            return TaskDefinition(name: files.name, labelNames: files.labels, metric: files.metric, train: train,
                                  validation: validation, oodDev: files.oodDev.map(spec), oodTest: files.oodTest.map(spec))
        }
    }
}

extension ExperimentSpec {
    func taskDefinition() throws -> TaskDefinition { task.definition() }
}

/// A task's data, loaded and (if the spec asks) subsampled, with the SHA-256 of every file it was read from.
public struct PreparedTask: Sendable {
    public let spec: TaskSpec
    public let definition: TaskDefinition
    public let train: LabeledDataset
    public let validation: LabeledDataset
    public let oodDev: [LabeledDataset]
    public let oodTest: [LabeledDataset]
    /// Absolute path → lowercase hex SHA-256, for every data file read (empty for the embedded task).
    public let fileSHA256: [String: String]

    /// Validation then OOD dev sets (`TaskDefinition.devSets` order).
    public var devSets: [LabeledDataset] { [validation] + oodDev }
    public var testSets: [LabeledDataset] { oodTest }

    /// Always predicting the (sampled) training set's most frequent class, scored on the validation set with its
    /// metric: the line below which the paper counts a run as failed (`MajorityBaseline`).
    public var majorityBaseline: MajorityBaseline? {
        MajorityBaseline(trainingLabels: train.labels, evaluationLabels: validation.labels, set: definition.validation.name,
                         metric: definition.validation.metric)
    }

    /// Loads every set. With `trainLimit` / `evalLimit`, each larger set is replaced by a seeded stratified
    /// sample of exactly that many examples, file order kept: the count is apportioned over classes by largest
    /// remainders (`SelectionRules.exactCounts`), and class c of the k-th set of the task (train 0, validation 1,
    /// OOD dev, OOD test in order) takes the first examples of a permutation drawn from
    /// `SeededRandom(seed: sampleSeed).stream(.split, 1000 + k, c)`, so each set's sample is independent.
    public init(spec: TaskSpec) throws {
        self.spec = spec
        definition = spec.definition()
        let full = try definition.load(dataRoot: spec.dataRoot)
        let random = SeededRandom(seed: spec.sampleSeed)
        func sample(_ set: LabeledDataset, limit: Int?, k: UInt64) -> LabeledDataset {
            guard let limit, limit < set.count else { return set }
            var members = [[Int]](repeating: [], count: max(set.classCount, (set.labels.max() ?? 0) + 1))
            for (i, y) in set.labels.enumerated() where y >= 0 { members[y].append(i) }
            let counts = SelectionRules.exactCounts(rate: Double(limit) / Double(set.count), strataSizes: members.map(\.count))
            var chosen: [Int] = []
            for (c, indices) in members.enumerated() {
                var stream = random.stream(.split, 1000 + k, UInt32(c))
                chosen += stream.permutation(indices.count).prefix(counts[c]).map { indices[$0] }
            }
            return set.subset(chosen.sorted(), name: set.name)
        }
        var k: UInt64 = 0
        func next() -> UInt64 { defer { k += 1 }; return k }
        train = sample(full.train, limit: spec.trainLimit, k: next())
        validation = sample(full.validation, limit: spec.evalLimit, k: next())
        oodDev = full.oodDev.map { sample($0, limit: spec.evalLimit, k: next()) }
        oodTest = full.oodTest.map { sample($0, limit: spec.evalLimit, k: next()) }

        var hashes: [String: String] = [:]
        for set in definition.allSets {
            guard case .file(let path, _)? = set.source.fileSource else { continue }
            let resolved = TaskDefinition.resolve(path, dataRoot: spec.dataRoot ?? "")
            if hashes[resolved] == nil { hashes[resolved] = try FileHash.sha256(path: resolved) }
        }
        fileSHA256 = hashes
    }
}

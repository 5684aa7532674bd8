import Foundation
import FTFTCartography
import FTFTStore
import FTFTTraining

/// Everything that determines one training run, serialised canonically (sorted keys): its SHA-256 is the run's
/// identity in the store. Two methods (or two experiments sharing a store) that need the same run — the ERM run
/// of a model is also the reference run of every data map made with it — find it by this hash instead of
/// training it again (`RunStore.findRun`).
///
/// Not part of the identity (they do not change what is computed, only how fast or where): thread counts, file
/// paths (data and weights are identified by their SHA-256), method labels. The OpenBLAS build and kernel are not
/// either — they change the last bits, not the method — but they are in the provenance, and a run reused or
/// resumed across builds or kernels says so (`PhaseRunner`). Format 2: runs made before OpenBLAS was pinned to one
/// thread (results then depended on the thread count) are not reused.
public struct RunConfiguration: Codable, Sendable, Equatable {
    public var format = "ftft-run-2"
    public var task: TaskIdentity
    public var model: ModelIdentity
    /// The tokenizer's identity (`ExampleEncoder.identity`).
    public var tokenizer: String
    public var numLabels: Int
    public var training: TrainingConfiguration
    public var seed: UInt64
    /// The training subset; nil means the whole training set.
    public var subset: SubsetIdentity?
    /// Early-stopping patience (live stopping on the mean OOD-dev metric); nil means full length.
    public var patience: Int?
    /// The kernel path the model runs (`BertClassifier.KernelPath`: "fused" or "reference"). The two agree only
    /// within floating-point tolerance, so a run of one is not a run of the other.
    public var kernelPath: String

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public func sha256() throws -> String { RunStore.configurationSHA256(try json()) }
}

/// A task without machine-specific paths: its settings plus the SHA-256 of every data file.
public struct TaskIdentity: Codable, Sendable, Equatable {
    public var spec: TaskSpec
    /// Sorted SHA-256 values of the data files read.
    public var dataSHA256: [String]

    public init(_ prepared: PreparedTask) {
        var spec = prepared.spec
        spec.dataRoot = nil
        if case .files(var files) = spec.kind {
            let hash = { (f: CustomTaskFiles.File) -> CustomTaskFiles.File in
                var f = f
                f.path = prepared.fileSHA256[f.path] ?? f.path
                return f
            }
            files.train = hash(files.train)
            files.validation = files.validation.map(hash)
            files.oodDev = files.oodDev.map(hash)
            files.oodTest = files.oodTest.map(hash)
            spec.kind = .files(files)
        }
        self.spec = spec
        dataSHA256 = prepared.fileSHA256.values.sorted()
    }
}

/// A model without machine-specific paths.
public struct ModelIdentity: Codable, Sendable, Equatable {
    /// Set for models trained from scratch.
    public var scratch: ScratchArchitecture?
    public var vocabularySize: Int
    public var maxPositions: Int
    /// SHA-256 of config.json and model.safetensors, for pretrained models.
    public var configSHA256: String?
    public var weightsSHA256: String?
}

/// Which part of the training set a run trains on.
public struct SubsetIdentity: Codable, Sendable, Equatable {
    /// "data_map" (a selection from a reference run's data map) or "random".
    public var kind: String
    /// The reference run's configuration SHA-256 (data-map subsets).
    public var referenceSHA256: String?
    /// Encoded as the raw values ("ambiguous", "ftft", …), so identities are those of the strings they replaced.
    public var mode: SelectionMode
    public var rate: Double
    public var rule: SelectionRule
    public var ddof: Int?
    /// The seed of a random subset.
    public var randomSeed: UInt64?
}

/// What a run was made with, for the record (not part of its identity).
public struct RunProvenance: Codable, Sendable {
    public var ftftVersion = "ftft (swift package)"
    public var swiftCompiler: String
    public var operatingSystem: String
    public var blasConfiguration: String
    /// The kernel OpenBLAS ran (`BLASRuntime.coreName`): with `blasBuild`, what must match for identical bits.
    public var blasCoreName: String
    /// The OpenBLAS build without the kernel's name (`BLASRuntime.build`); nil in runs recorded before it existed.
    public var blasBuild: String?
    public var threads: Int
    /// Data file path → SHA-256.
    public var dataFiles: [String: String]
    public var modelDirectory: String?
    public var tokenizerPath: String?
    /// The commit this binary was built from (`BuildInfo.gitCommit`: "+dirty" with uncommitted changes,
    /// "unknown" without git), not whatever the working directory holds when it runs.
    public var gitCommit: String?
    public var experimentFile: String?
    /// Which sets were evaluated at which checkpoints (nil in runs recorded before the policy existed: every set
    /// at every checkpoint).
    public var evaluation: EvaluationPolicy?

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The Swift compiler this binary was built with.
    public static var compilerVersion: String {
        #if compiler(>=6.3)
        return "Swift 6.3 or later"
        #elseif compiler(>=6.2)
        return "Swift 6.2"
        #elseif compiler(>=6.1)
        return "Swift 6.1"
        #else
        return "Swift 6.0"
        #endif
    }
}

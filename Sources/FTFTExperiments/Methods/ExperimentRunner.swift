import Foundation
import FTFTBuildInfo
import FTFTData
import FTFTEncoder
import FTFTStore
import FTFTTensors
import FTFTTraining

/// Runs an experiment: for each seed, every method's phases — reusing any run the store already holds with the
/// same configuration, resuming interrupted ones — and writes the manifest. The ERM run of a model is also its
/// reference run (dynamics are recorded in every training pass, at no extra cost), so "ERM of each model" and
/// the reference runs of DM/FTFT are the same runs, trained once.
public final class ExperimentRunner {
    public let spec: ExperimentSpec
    /// `<output>/<experiment>`.
    public let directory: String
    /// Where runs are recorded: the experiment's store, or a shard (`ftft run --only`, see `runPlanned`).
    public internal(set) var store: RunStore
    /// Where the finished runs a shard's run depends on are read from (read-only; nil: `store`).
    var dependencyStore: RunStore?
    /// Asked between updates; a non-nil answer (the signal's name) checkpoints the run and stops it as interrupted
    /// (`PipelineStop`), so that it resumes bit-exactly later. Set by the command line for SIGUSR1/SIGTERM.
    public var stopRequest: (@Sendable () -> String?)?
    public let task: PreparedTask
    let events: (PipelineEvent) -> Void
    let specFile: String?
    /// The engine's kernels for every run (the fused fast path by default; both compute the same function).
    public var kernelPath: BertClassifier.KernelPath = .fused
    /// Tests only: interrupt each training run after its checkpoint at this step (see `PhaseObserver`).
    var interruptAfterStep: Int?
    private var recipes: [String: ModelRecipe] = [:]
    private var suites: [String: EvaluationSuite] = [:]
    private var encodedTrain: [String: [EncodedExample]] = [:]
    private var externalSubsets: [String: ExternalSubset] = [:]
    let trainIDs: [Int: String]
    /// Data preparation done in this process and not yet charged to a run (see `PhaseTimes`): loading the task
    /// and models, tokenizing, selecting. The next run trained takes it.
    var pendingPreparationSeconds = 0.0

    /// Loads the data and the models' tokenizers and weights' hashes, checks what depends on the data (enough
    /// complete epochs for a data map, a non-empty subset), and opens the store — all before any training.
    /// - Parameter storeOptions: how the run store is opened (e.g. a size quota, `ftft run --max-store-bytes`).
    /// - Parameter readOnly: plan without writing: the store is opened read-only (an empty one in memory when
    ///   there is none yet), and nothing is created on disk.
    public init(spec: ExperimentSpec, outputDirectory: String, specFile: String? = nil,
                storeOptions: RunStore.Options = RunStore.Options(), readOnly: Bool = false,
                events: @escaping (PipelineEvent) -> Void = { _ in }) throws {
        self.spec = spec
        self.specFile = specFile
        self.events = events
        directory = URL(fileURLWithPath: outputDirectory).appendingPathComponent(spec.name).path
        let loading = ContinuousClock.now
        task = try PreparedTask(spec: spec.task)
        trainIDs = Dictionary(uniqueKeysWithValues: task.train.examples.enumerated().map { ($0, $1.id) })
        for model in spec.models {
            recipes[model.name] = try ModelRecipe(spec: model, numLabels: task.definition.labelNames.count,
                                                  maxLength: spec.task.maxLength)
        }
        try Self.checkAgainstData(spec: spec, trainCount: task.train.count, file: specFile ?? spec.name)
        // Subsets from outside are read and checked against the training set now, before anything is written.
        var external: [String: ExternalSubset] = [:]
        for method in spec.methods where method.hasExternalReference {
            external[method.label] = try ExternalSubset.load(method, train: task.train, threads: spec.threads)
        }
        externalSubsets = external
        pendingPreparationSeconds = wallSeconds(since: loading)
        if !readOnly {
            store = try RunStore.open(directory: directory, access: .readWrite, options: storeOptions)
        } else if FileManager.default.fileExists(atPath: RunStore.databasePath(directory: directory)) {
            store = try RunStore.open(directory: directory, access: .readOnly, options: storeOptions)
        } else {
            store = try RunStore.inMemory()
        }
    }

    /// Runs data preparation, charging its wall time to the next run trained.
    func preparing<R>(_ body: () throws -> R) rethrows -> R {
        let start = ContinuousClock.now
        defer { pendingPreparationSeconds += wallSeconds(since: start) }
        return try body()
    }

    func recipe(_ name: String) throws -> ModelRecipe {
        guard let recipe = recipes[name] else { throw ExperimentError.unavailable(what: "model \(name)", reason: "not defined") }
        return recipe
    }

    /// Checks that need N: a data map needs ≥ 2 complete epochs of its reference run (ddof 1 / FTFT's rule), and
    /// every subset must hold at least one example.
    static func checkAgainstData(spec: ExperimentSpec, trainCount n: Int, file: String) throws {
        let batchesPerEpoch = TrainingConfiguration.batchesPerEpoch(exampleCount: n, batchSize: spec.training.batchSize)
        for (i, method) in spec.methods.enumerated() {
            let referenceSteps = spec.maxSteps(ofModel: method.reference ?? "")
            let epochs = referenceSteps / batchesPerEpoch
            if method.usesReference, !method.hasExternalReference, epochs < max(2, method.ddof + 1) {
                throw ExperimentError.outOfRange(
                    file: file, path: "methods[\(i)]", line: nil,
                    reason: "its reference run completes \(epochs) epoch(s) of \(n) examples in \(referenceSteps) steps; a data map needs at least 2 (raise max_steps)")
            }
            if method.selectsSubset, Int(method.rate * Double(n)) < 1 {
                throw ExperimentError.outOfRange(file: file, path: "methods[\(i)].rate", line: nil,
                                                 reason: "rate \(method.rate) of \(n) training examples selects nothing")
            }
        }
    }

    /// The subset a method takes from outside (read and checked once), nil for a reference model trained here.
    func externalSubset(_ method: MethodSpec) throws -> ExternalSubset? {
        guard method.hasExternalReference else { return nil }
        if let cached = externalSubsets[method.label] { return cached }
        let loaded = try ExternalSubset.load(method, train: task.train, threads: spec.threads)
        externalSubsets[method.label] = loaded
        return loaded
    }

    // MARK: Encoded data per tokenizer

    func trainExamples(_ recipe: ModelRecipe) throws -> [EncodedExample] {
        if let cached = encodedTrain[recipe.encoder.identity] { return cached }
        let encoded = try preparing { try recipe.encoder.encode(task.train, maxLength: spec.task.maxLength) }
        encodedTrain[recipe.encoder.identity] = encoded
        return encoded
    }

    func suite(_ recipe: ModelRecipe) throws -> EvaluationSuite {
        if let cached = suites[recipe.encoder.identity] { return cached }
        let suite = try preparing {
            try EvaluationSuite(task: task, encoder: recipe.encoder, maxLength: spec.task.maxLength,
                                batching: spec.training.evaluationBatching)
        }
        suites[recipe.encoder.identity] = suite
        return suite
    }

    // MARK: Configurations

    func trainingConfiguration(_ recipe: ModelRecipe) -> TrainingConfiguration {
        let t = spec.training
        return TrainingConfiguration(
            maxSteps: recipe.spec.maxSteps ?? t.maxSteps, batchSize: t.batchSize, learningRate: recipe.spec.learningRate,
            warmupRate: t.warmupRate,
            adam: AdamWHyperparameters(epsilon: t.adamEpsilon, weightDecay: t.weightDecay), maxGradNorm: t.maxGradNorm,
            evalInterval: t.evalInterval, batching: t.batching, evaluationBatching: t.evaluationBatching,
            padTokenId: recipe.encoder.padTokenId)
    }

    func configuration(model: String, seed: UInt64, subset: SubsetIdentity?, patience: Int?) throws -> RunConfiguration {
        let recipe = try recipe(model)
        return RunConfiguration(task: TaskIdentity(task), model: recipe.identity, tokenizer: recipe.encoder.identity,
                                numLabels: recipe.config.numLabels, training: trainingConfiguration(recipe), seed: seed,
                                subset: subset, patience: patience, kernelPath: kernelPath.rawValue)
    }

    func subsetIdentity(_ method: MethodSpec, seed: UInt64) throws -> SubsetIdentity? {
        switch method.kind {
        case .erm, .ermES: return nil
        case .randomDM:
            return SubsetIdentity(kind: "random", referenceSHA256: nil, mode: .random, rate: method.rate, rule: method.rule,
                                  ddof: nil, randomSeed: seed)
        case .dm, .ftft:
            if let external = try externalSubset(method) {
                // The subset itself is the identity (it does not depend on the seed: one subset for every seed). With a
                // subset file, mode and rule are the defaults (the parser rejects them there) and say nothing.
                return SubsetIdentity(kind: external.record.kind.rawValue, referenceSHA256: external.record.subsetSHA256,
                                      mode: method.mode, rate: method.rate, rule: method.rule,
                                      ddof: method.subsetFile == nil ? method.ddof : nil, randomSeed: nil)
            }
            let reference = try configuration(model: method.reference ?? "", seed: seed, subset: nil, patience: nil)
            return SubsetIdentity(kind: "data_map", referenceSHA256: try reference.sha256(), mode: method.mode,
                                  rate: method.rate, rule: method.rule, ddof: method.ddof, randomSeed: nil)
        }
    }

    var provenance: RunProvenance {
        RunProvenance(swiftCompiler: RunProvenance.compilerVersion,
                      operatingSystem: ProcessInfo.processInfo.operatingSystemVersionString,
                      blasConfiguration: BLASRuntime.configuration, blasCoreName: BLASRuntime.coreName,
                      blasBuild: BLASRuntime.build, threads: spec.threads,
                      dataFiles: task.fileSHA256, gitCommit: BuildInfo.gitCommit, experimentFile: specFile)
    }

    var phaseRunner: PhaseRunner {
        PhaseRunner(store: store, experimentDirectory: directory, experiment: spec.name, threads: spec.threads,
                    keepCheckpoints: spec.keepCheckpoints, storeLogits: spec.storeLogits, provenance: provenance,
                    kernelPath: kernelPath, interruptAfterStep: interruptAfterStep, stopRequest: stopRequest, events: events)
    }
}

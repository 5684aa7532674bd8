import FTFTCartography
import FTFTData
import FTFTTraining

/// A whole experiment as an experiment file describes it (see `ExperimentSpec.load(path:)` for the file format
/// and `experiments/*.yaml` for examples): one task, the models, one training recipe, the methods to compare
/// and the seeds. Paths are resolved (absolute) once loaded.
public struct ExperimentSpec: Sendable, Equatable, Codable {
    /// Names the experiment's folder in the output directory; letters, digits, `.`, `_`, `-`.
    public var name: String
    public var summary: String?
    public var task: TaskSpec
    /// The main run with seed s uses the reference run with seed s (method.md §1.5).
    public var seeds: [UInt64]
    /// ftft's threads (OpenBLAS itself runs single-threaded: results do not depend on this).
    public var threads: Int
    /// In file order.
    public var models: [ModelSpec]
    public var training: TrainingSpec
    public var methods: [MethodSpec]
    /// The model whose ERM run is the compute unit (= 100), as in the paper (ERM of the main model).
    public var computeUnit: String
    /// Keep each run's last training checkpoint after it finishes (they are deleted otherwise; a pretrained
    /// MiniLM-L6 checkpoint with AdamW moments is about 270 MB).
    public var keepCheckpoints: Bool
    /// Store the evaluation logits of every checkpoint and set in the run store.
    public var storeLogits: Bool
    /// OpenBLAS's kernel to run (e.g. "Haswell"), as OpenBLAS names it; nil runs whatever OpenBLAS picks for this
    /// CPU. Results are bit-identical only for the same OpenBLAS build and kernel, so a table meant to be
    /// reproduced on other machines names one (`ftft run` restarts itself with `OPENBLAS_CORETYPE` set).
    public var blasKernel: String? = nil

    public func model(named name: String) -> ModelSpec? { models.first { $0.name == name } }

    /// The updates a run of model `name` makes: its own `max_steps`, else the shared `training.max_steps`.
    public func maxSteps(ofModel name: String) -> Int { model(named: name)?.maxSteps ?? training.maxSteps }
}

/// The task: which data, how long sequences may be, and optional subsampling for CPU-scale runs.
public struct TaskSpec: Sendable, Equatable, Codable {
    public enum Kind: Sendable, Equatable, Codable {
        /// ftft's generated task (`EmbeddedTask`).
        case embedded(EmbeddedTaskConfig)
        /// MultiNLI dev-matched split → ANLI R1–R3 (+ HANS), `TaskDefinition.nli`.
        case nli(validationFraction: Double, splitSeed: UInt64)
        /// CAD → DynaHate R2–R4, `TaskDefinition.hsd`.
        case hsd
        /// Any classification files (generic JSONL/CSV/TSV).
        case files(CustomTaskFiles)
    }

    public var kind: Kind
    /// Folder the nli/hsd data files are read from (absolute once loaded).
    public var dataRoot: String?
    /// Truncation length in tokens, special tokens included (Hugging Face `max_length`, longest_first).
    public var maxLength: Int
    /// Train on a seeded stratified sample of this many training examples (nil = all).
    public var trainLimit: Int?
    /// Evaluate on a seeded stratified sample of at most this many examples of each dev/test set (nil = all).
    public var evalLimit: Int?
    /// Seed of those samples (part of the task: every run sees the same examples).
    public var sampleSeed: UInt64

    public var name: String {
        switch kind {
        case .embedded: return "embedded"
        case .nli: return "nli"
        case .hsd: return "hsd"
        case .files(let files): return files.name
        }
    }
}

/// A task made of the user's own files.
public struct CustomTaskFiles: Sendable, Equatable, Codable {
    public struct File: Sendable, Equatable, Codable {
        public var name: String
        /// Absolute once loaded.
        public var path: String
        public var format: String       // jsonl | csv | tsv
        public var textField: String
        public var pairField: String?
        public var labelField: String
        public var idField: String?
    }

    public var name: String
    /// Class names in class order (from the file's `labels:`, else the training file's distinct label values,
    /// `LabeledDataset.labelValues`); resolved when the experiment is loaded.
    public var labels: [String]
    public var metric: Metric
    public var train: File
    /// nil: the validation set is a seeded stratified `validationFraction` of the training file (the rest trains).
    public var validation: File?
    public var validationFraction: Double
    public var splitSeed: UInt64
    /// May be empty: early stopping then watches the validation metric.
    public var oodDev: [File]
    public var oodTest: [File]

    public init(name: String, labels: [String], metric: Metric, train: File, validation: File?,
                validationFraction: Double = 0.1, splitSeed: UInt64 = 0, oodDev: [File], oodTest: [File]) {
        self.name = name
        self.labels = labels
        self.metric = metric
        self.train = train
        self.validation = validation
        self.validationFraction = validationFraction
        self.splitSeed = splitSeed
        self.oodDev = oodDev
        self.oodTest = oodTest
    }
}

/// A model: an architecture trained from scratch, or a pretrained Hugging Face BERT directory.
public struct ModelSpec: Sendable, Equatable, Codable {
    public enum Source: Sendable, Equatable, Codable {
        case scratch(ScratchArchitecture)
        /// Absolute path of a directory with config.json, model.safetensors and a tokenizer.
        case pretrained(directory: String)
    }

    public var name: String
    public var source: Source
    public var learningRate: Double
    /// A vocab.txt, tokenizer.json or model directory (absolute); nil means the task's own (embedded) or the
    /// pretrained directory.
    public var tokenizer: String?
    /// This model's runs train for this many updates instead of `training.max_steps` (warmup and the linear decay
    /// scale with it; evaluation keeps `training.eval_interval` and the last step). nil: the shared budget. Used for
    /// a cheaper reference (fewer epochs of dynamics) and for learning at a fraction of the budget (the paper's
    /// Figure 1). Absent from the run identity when nil, so adding the key leaves other models' runs reusable.
    public var maxSteps: Int? = nil
}

/// A from-scratch BERT (Hugging Face initialisation, seeded).
public struct ScratchArchitecture: Sendable, Equatable, Hashable, Codable {
    public var layers: Int
    public var hidden: Int
    public var heads: Int
    public var intermediate: Int
    /// Hidden and attention dropout (BERT's 0.1 by default).
    public var dropout: Double
    /// Standard deviation of the normal initialisation of weights and embeddings (Hugging Face's
    /// `initializer_range`, 0.02 by default — tuned for BERT-base's width 768; narrow models from scratch learn
    /// far faster with a larger one, about 1/√hidden).
    public var initializerRange: Double
}

/// The training recipe shared by every run (FTFT's defaults, method.md §1); the learning rate is per model.
public struct TrainingSpec: Sendable, Equatable, Codable {
    public var maxSteps: Int
    public var batchSize: Int
    public var warmupRate: Double
    /// Evaluate (and checkpoint) every this many updates and at the last one.
    public var evalInterval: Int
    /// At most this many examples per evaluation batch (nil: bounded by `evalBatchTokens` only).
    public var evalBatchSize: Int?
    /// At most this many padded tokens (B·T) per evaluation batch (nil: bounded by `evalBatchSize` only).
    public var evalBatchTokens: Int? = EvaluationBatching.standard.maxTokens
    /// Evaluation sets batched in length order (ftft's default) or in data-set order (FTFT's loop).
    public var evalOrder: EvaluationBatching.Order = .length
    /// How training batches are formed (random, FTFT's, unless told; or length-grouped).
    public var batching: TrainingBatching = .random
    /// Which sets are evaluated at which checkpoints (`reported` unless told; see `EvaluationPolicy`).
    public var evaluation: EvaluationPolicy = .reported
    /// How early-stopped rows get their results (`live` unless told; see `EarlyStoppingRows`).
    public var earlyStopping: EarlyStoppingRows = .live
    public var adamEpsilon: Double
    public var weightDecay: Double
    /// nil turns clipping off.
    public var maxGradNorm: Double?

    public init(maxSteps: Int, batchSize: Int, warmupRate: Double, evalInterval: Int, evalBatchSize: Int?,
                evalBatchTokens: Int? = EvaluationBatching.standard.maxTokens, evalOrder: EvaluationBatching.Order = .length,
                batching: TrainingBatching = .random, evaluation: EvaluationPolicy = .reported, adamEpsilon: Double,
                weightDecay: Double, maxGradNorm: Double?) {
        self.maxSteps = maxSteps
        self.batchSize = batchSize
        self.warmupRate = warmupRate
        self.evalInterval = evalInterval
        self.evalBatchSize = evalBatchSize
        self.evalBatchTokens = evalBatchTokens
        self.evalOrder = evalOrder
        self.batching = batching
        self.evaluation = evaluation
        self.adamEpsilon = adamEpsilon
        self.weightDecay = weightDecay
        self.maxGradNorm = maxGradNorm
    }

    private enum CodingKeys: String, CodingKey {
        case maxSteps, batchSize, warmupRate, evalInterval, evalBatchSize, evalBatchTokens, evalOrder, batching, evaluation
        case earlyStopping, adamEpsilon, weightDecay, maxGradNorm
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maxSteps, forKey: .maxSteps)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(warmupRate, forKey: .warmupRate)
        try c.encode(evalInterval, forKey: .evalInterval)
        try c.encodeIfPresent(evalBatchSize, forKey: .evalBatchSize)
        try c.encodeIfPresent(evalBatchTokens, forKey: .evalBatchTokens)
        try c.encode(evalOrder, forKey: .evalOrder)
        try c.encode(batching, forKey: .batching)
        try c.encode(evaluation, forKey: .evaluation)
        // Written only when not the default, so that files written before the key existed stay byte-identical.
        if earlyStopping != .live { try c.encode(earlyStopping, forKey: .earlyStopping) }
        try c.encode(adamEpsilon, forKey: .adamEpsilon)
        try c.encode(weightDecay, forKey: .weightDecay)
        try c.encodeIfPresent(maxGradNorm, forKey: .maxGradNorm)
    }

    /// Reads experiment.json / manifest.json; a file written before a key existed gets what ftft did then
    /// (evaluation of every set at every checkpoint, in data-set order, random batches).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxSteps = try c.decode(Int.self, forKey: .maxSteps)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        warmupRate = try c.decode(Double.self, forKey: .warmupRate)
        evalInterval = try c.decode(Int.self, forKey: .evalInterval)
        evalBatchSize = try c.decodeIfPresent(Int.self, forKey: .evalBatchSize)
        evalBatchTokens = try c.decodeIfPresent(Int.self, forKey: .evalBatchTokens)
        evalOrder = try c.decodeIfPresent(EvaluationBatching.Order.self, forKey: .evalOrder) ?? .dataSet
        batching = try c.decodeIfPresent(TrainingBatching.self, forKey: .batching) ?? .random
        evaluation = try c.decodeIfPresent(EvaluationPolicy.self, forKey: .evaluation) ?? .everyCheckpoint
        earlyStopping = try c.decodeIfPresent(EarlyStoppingRows.self, forKey: .earlyStopping) ?? .live
        adamEpsilon = try c.decode(Double.self, forKey: .adamEpsilon)
        weightDecay = try c.decode(Double.self, forKey: .weightDecay)
        maxGradNorm = try c.decodeIfPresent(Double.self, forKey: .maxGradNorm)
    }

    public var evaluationBatching: EvaluationBatching {
        EvaluationBatching(order: evalOrder, maxExamples: evalBatchSize, maxTokens: evalBatchTokens)
    }
}

/// Where an early-stopped row (ERM(ES), FTFT) gets its results.
///
/// `live`: its own run, stopped when the criterion has not improved for `patience` checkpoints.
/// `post_hoc`: as the paper's code does it (method.md §5.1), from the full-length run of the same configuration
/// without patience that another row of the file trains anyway (ERM for ERM(ES), the matching DM row for FTFT). Up
/// to the stop, the two compute the same updates bit for bit (same seed, order, schedule), so that run, recording
/// what the live run would record up to the stop (every set at each new best, and the ledger at each checkpoint),
/// gives the row's reported checkpoint, cells, logits and cost without training it a second time. A row whose
/// counterpart is not a row of the file, or keeps weights, or whose counterpart was recorded without those records
/// (an older run reused from the store), runs live.
public enum EarlyStoppingRows: String, Codable, Sendable, CaseIterable {
    case live
    case postHoc = "post_hoc"
}

/// One row of the comparison.
public struct MethodSpec: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable {
        case erm
        case ermES = "erm_es"
        case dm
        case randomDM = "random_dm"
        case ftft
    }

    public var label: String
    public var kind: Kind
    /// The main model.
    public var model: String
    /// The reference model (dm, ftft).
    public var reference: String?
    /// Data-map region (dm, ftft): ambiguous, hard or easy.
    public var mode: SelectionMode
    /// Fraction of the training set selected (dm, ftft, random_dm).
    public var rate: Double
    /// Counting rule: ftft (strict float32 quantile; floor(rate·N) for random_dm), exact (round(rate·N)) or
    /// cartography (int(rate'·N)+1; int(rate·N) for random_dm).
    public var rule: SelectionRule
    /// Variability's degrees of freedom for the data map (FTFT: 1).
    public var ddof: Int
    /// Early-stopping patience in checkpoints (erm_es, ftft).
    public var patience: Int?
    /// Which weights of the main run are kept as a Hugging Face model folder (nil: none).
    public var keep: ModelKeep?
    /// dm, ftft: the subset from outside instead of a reference model trained here (`ExternalReference`): a file
    /// of ids, or a folder of cartography dynamics (absolute paths).
    public var subsetFile: String?
    public var referenceDynamics: String?

    /// True when the subset comes from outside this experiment (no reference run here).
    public var hasExternalReference: Bool { subsetFile != nil || referenceDynamics != nil }

    public var isEarlyStopped: Bool { kind == .ermES || kind == .ftft }
    public var usesReference: Bool { kind == .dm || kind == .ftft }
    public var selectsSubset: Bool { kind == .dm || kind == .ftft || kind == .randomDM }
}

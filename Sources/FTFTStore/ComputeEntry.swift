/// One line of the compute ledger: the cost of one phase of a run (issue 5). What the FLOP counts include is
/// defined where they are computed (the experiments module's compute accounting); the store keeps them
/// exactly, as integers. `phase` is a label chosen by the caller ("train", "end_of_epoch_pass", …); a run
/// has at most one entry per phase and recording it again replaces it (a running run updates its ledger).
public struct ComputeEntry: Sendable, Equatable {
    public var run: RunID
    public var phase: String
    /// N of 6·N·D, as counted for the analytic figure.
    public var parameterCount: Int64
    /// Kaplan et al.'s 6·N·D (the paper's convention, method.md §5.2).
    public var kaplanTrainingFLOPs: Int64
    /// The architecture's exact count of the training GEMMs.
    public var preciseTrainingFLOPs: Int64
    /// Counted at the GEMM wrapper during training.
    public var countedTrainingFLOPs: Int64
    /// Counted at the GEMM wrapper during evaluations.
    public var countedEvaluationFLOPs: Int64
    /// Counted during separate end-of-epoch dynamics passes (0 when dynamics come from the training pass).
    public var countedDynamicsPassFLOPs: Int64
    public var trainingWallSeconds: Double
    public var evaluationWallSeconds: Double
    public var steps: Int
    public var tokensWithPadding: Int64
    public var tokensWithoutPadding: Int64
    public var examples: Int64
    /// Padded (Σ B·T) and real tokens of every evaluation batch (nil in entries recorded before they were kept).
    public var evaluationTokensWithPadding: Int64?
    public var evaluationTokensWithoutPadding: Int64?
    /// Where the rest of the run's time went (nil in entries recorded before the split was kept): building
    /// models, tokenizing and selecting data; writing checkpoints; writing to the store; and the run's whole wall
    /// time, from its creation (or resumption) to its last ledger write — the parts above plus training and
    /// evaluation plus anything unaccounted.
    public var dataPreparationWallSeconds: Double?
    public var checkpointWallSeconds: Double?
    public var storeWriteWallSeconds: Double?
    public var phaseWallSeconds: Double?

    public init(
        run: RunID, phase: String, parameterCount: Int64, kaplanTrainingFLOPs: Int64, preciseTrainingFLOPs: Int64,
        countedTrainingFLOPs: Int64, countedEvaluationFLOPs: Int64, countedDynamicsPassFLOPs: Int64 = 0,
        trainingWallSeconds: Double, evaluationWallSeconds: Double, steps: Int, tokensWithPadding: Int64,
        tokensWithoutPadding: Int64, examples: Int64, evaluationTokensWithPadding: Int64? = nil,
        evaluationTokensWithoutPadding: Int64? = nil, dataPreparationWallSeconds: Double? = nil,
        checkpointWallSeconds: Double? = nil, storeWriteWallSeconds: Double? = nil, phaseWallSeconds: Double? = nil
    ) {
        self.run = run
        self.phase = phase
        self.parameterCount = parameterCount
        self.kaplanTrainingFLOPs = kaplanTrainingFLOPs
        self.preciseTrainingFLOPs = preciseTrainingFLOPs
        self.countedTrainingFLOPs = countedTrainingFLOPs
        self.countedEvaluationFLOPs = countedEvaluationFLOPs
        self.countedDynamicsPassFLOPs = countedDynamicsPassFLOPs
        self.trainingWallSeconds = trainingWallSeconds
        self.evaluationWallSeconds = evaluationWallSeconds
        self.steps = steps
        self.tokensWithPadding = tokensWithPadding
        self.tokensWithoutPadding = tokensWithoutPadding
        self.examples = examples
        self.evaluationTokensWithPadding = evaluationTokensWithPadding
        self.evaluationTokensWithoutPadding = evaluationTokensWithoutPadding
        self.dataPreparationWallSeconds = dataPreparationWallSeconds
        self.checkpointWallSeconds = checkpointWallSeconds
        self.storeWriteWallSeconds = storeWriteWallSeconds
        self.phaseWallSeconds = phaseWallSeconds
    }
}

/// A recorded checkpoint file of a run (issue 7: resumable runs).
public struct Checkpoint: Sendable, Equatable {
    public var run: RunID
    /// Optimizer steps completed when it was written.
    public var step: Int
    /// As recorded; relative paths are relative to the experiment directory, which keeps a store movable.
    public var path: String
    /// Lowercase hex SHA-256 of the file.
    public var sha256: String
    public var byteCount: Int64
}

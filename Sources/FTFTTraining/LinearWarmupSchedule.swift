/// Hugging Face's linear schedule with warmup (`get_linear_schedule_with_warmup`, a torch `LambdaLR`), as FTFT
/// configures and steps it (method.md §1.3, `F:utils.py L61-73`, `F:trainers.py L93-96`):
///
///     W = int(rate · T) if rate < 1 else int(rate)
///     multiplier(s) = s / max(1, W)                    for s < W
///                   = max(0, (T − s) / max(1, T − W))  otherwise
///     lr(update u) = base_lr · multiplier(u − 1)       (u 1-based: the scheduler steps after the optimizer)
///
/// so the first update uses lr 0. All arithmetic in Double, in Python's order.
public struct LinearWarmupSchedule: Codable, Equatable, Sendable {
    /// T, `max_train_steps`: the schedule spans it even when a run stops early.
    public let totalSteps: Int
    /// W.
    public let warmupSteps: Int
    public let baseLearningRate: Double

    public init(totalSteps: Int, warmupSteps: Int, baseLearningRate: Double) {
        self.totalSteps = totalSteps
        self.warmupSteps = warmupSteps
        self.baseLearningRate = baseLearningRate
    }

    /// FTFT's warmup rule: `int(warmup_rate * max_train_steps)` if `warmup_rate < 1`, else `int(warmup_rate)`
    /// (truncation toward zero, as Python's `int`).
    public init(totalSteps: Int, warmupRate: Double, baseLearningRate: Double) {
        let w = warmupRate < 1 ? warmupRate * Double(totalSteps) : warmupRate
        self.init(totalSteps: totalSteps, warmupSteps: Int(w.rounded(.towardZero)), baseLearningRate: baseLearningRate)
    }

    /// The LambdaLR multiplier at scheduler step s (0-based).
    public func multiplier(schedulerStep s: Int) -> Double {
        if s < warmupSteps { return Double(s) / Double(max(1, warmupSteps)) }
        return max(0.0, Double(totalSteps - s) / Double(max(1, totalSteps - warmupSteps)))
    }

    /// The learning rate of update u (1-based): `base_lr * multiplier(u − 1)`.
    public func learningRate(update u: Int) -> Double {
        baseLearningRate * multiplier(schedulerStep: u - 1)
    }
}

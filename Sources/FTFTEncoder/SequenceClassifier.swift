import FTFTTensors

/// What the training loop needs from a model. `BertClassifier` is the real one; tests may use small fakes.
///
/// Parameters and gradients each live in one arena tensor with the layout `parameterEntries` describes, so the
/// optimizer, clipping and checkpoints treat every model alike.
public protocol SequenceClassifier: AnyObject {
    var numLabels: Int { get }
    var parameterEntries: [ParameterLayout.Entry] { get }
    /// [total] all parameters, in `parameterEntries` order.
    var parameters: Tensor { get }
    /// [total] gradients, same layout. `trainingStep` accumulates into it; the caller zeroes it.
    var gradients: Tensor { get }

    /// Forward in training mode (dropout on), mean cross-entropy over the batch, and backward, accumulating
    /// d(loss)/d(parameters) into `gradients`. Dropout masks come from `random.stream(.dropout, step, site)`, so
    /// the same (seed, step, batch) always gives the same result.
    /// Returns the loss and the logits [B, K] of this forward pass (before any update): the training dynamics.
    func trainingStep(batch: TokenBatch, random: SeededRandom, step: Int, context: ComputeContext) throws
        -> (loss: Float, logits: [Float])

    /// Forward in evaluation mode (no dropout): logits [B, K].
    func logits(batch: TokenBatch, context: ComputeContext) throws -> [Float]
}

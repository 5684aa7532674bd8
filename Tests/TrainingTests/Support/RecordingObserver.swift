import FTFTEncoder
import FTFTTensors
import FTFTTraining

struct SimulatedCrash: Error {}

/// Records every hook call; can evaluate a held-out set, stop at an evaluation, save a checkpoint at a step
/// and crash (throw) at a later update.
final class RecordingObserver: TrainingObserver {
    struct EpochEnd: Equatable {
        let epoch: Int, isComplete: Bool, examplesSeen: Int, step: Int
    }

    var updates: [TrainingUpdate] = []
    var evaluationSteps: [Int] = []
    var evaluationLogits: [[Float]] = []
    var epochEnds: [EpochEnd] = []
    var finishedSteps: [Int] = []
    /// Parameters after each finished step.
    var snapshots: [Int: [Float]] = [:]

    var evaluationSet: [EncodedExample] = []
    var stopAtEvaluation: Int?
    var checkpoint: (step: Int, path: String)?
    var crashAtUpdate: Int?
    var takeSnapshots = false

    func didUpdate(_ update: TrainingUpdate, trainer: Trainer) throws {
        if update.step == crashAtUpdate { throw SimulatedCrash() }
        updates.append(update)
    }

    func evaluate(trainer: Trainer) throws -> EvaluationDecision {
        evaluationSteps.append(trainer.position.completedSteps)
        if !evaluationSet.isEmpty { evaluationLogits.append(try trainer.evaluate(evaluationSet)) }
        return evaluationSteps.count == stopAtEvaluation ? .stop : .continue
    }

    func epochDidEnd(epoch: Int, isComplete: Bool, examplesSeen: Int, trainer: Trainer) throws {
        epochEnds.append(EpochEnd(epoch: epoch, isComplete: isComplete, examplesSeen: examplesSeen,
                                  step: trainer.position.completedSteps))
    }

    func stepDidFinish(trainer: Trainer) throws {
        finishedSteps.append(trainer.position.completedSteps)
        if takeSnapshots { snapshots[trainer.position.completedSteps] = trainer.model.parameters.array }
        if let checkpoint, checkpoint.step == trainer.position.completedSteps {
            try trainer.saveCheckpoint(to: checkpoint.path, extraMetadata: ["note": "test"])
        }
    }
}

/// The same bit patterns (NaN-safe, −0 ≠ +0).
func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

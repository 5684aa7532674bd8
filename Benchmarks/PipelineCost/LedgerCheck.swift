import Foundation
import FTFTBenchmarkSupport
import FTFTEncoder
import FTFTExperiments
import FTFTStore
import FTFTTensors

// The compute claims of a finished experiment, checked against an independent reconstruction of what was trained.
//
// For every run the ledger's training FLOPs were counted at the GEMM wrapper. Here they are predicted without the
// counter and without the ledger's own arithmetic, from
//   - the checkpoints actually trained: the run's last stored evaluation step s (an early-stopped run stops at an
//     evaluation), which must equal the ledger's step count;
//   - the examples it trained on: the whole training set, or for a subset run the example indices of its first
//     stored epoch (a subset run sees every member once per epoch);
//   - the trainer's documented batch order: pass e visits `SeededRandom(seed).stream(.shuffle, e).permutation(n)`
//     in consecutive batches of `batch_size` (FTFTTraining/Trainer.swift); this order is compared with every epoch
//     the store recorded, example for example, before it is used;
//   - each batch padded to its longest example (dynamic padding), lengths from the model's own encoder;
//   - `BertFLOPs.trainingFLOPs(B, T)` per batch (the architecture's exact GEMM count).
// (a) The prediction must equal the counted FLOPs exactly, per run; so every method/ERM ratio equals its
//     prediction exactly. For an early-stopped FTFT run, the checkpoints it trained must also equal the paper's
//     post-hoc rule applied to its full-length DM counterpart's logged checkpoints (min(best + patience, K)).
// (b) Wall time: each model's seconds per counted FLOP is taken from its own full-length ERM run in the same
//     process; a method's training wall time must be within the committed tolerance of what those rates predict
//     for its phases' FLOPs. (The plain wall ratio and the FLOP ratio differ because a small reference model runs
//     fewer FLOPs per second than the main model; the prediction accounts for that with measured rates.)
// (c) FTFT's counted training cost, relative to ERM of the main model, must stay under the committed bound.

/// One trained run: what the ledger says and what the reconstruction predicts.
struct RunCheck {
    var run: RunID
    var model: String
    var ledger: ComputeEntry
    var stepsTrained: Int
    var predictedTrainingFLOPs: Int64
}

enum LedgerCheck {
    /// Reconstructs and checks one run (a). Throws with the run, the step and the difference on any mismatch.
    static func check(run id: RunID, spec: ExperimentSpec, task: PreparedTask, store: RunStore,
                      lengths: (ModelRecipe) throws -> [Int]) throws -> RunCheck {
        let run = try store.run(id)
        guard let modelSpec = spec.model(named: run.model) else { throw GateFailure("\(id): unknown model \(run.model)") }
        let recipe = try ModelRecipe(spec: modelSpec, numLabels: task.definition.labelNames.count, maxLength: spec.task.maxLength)
        guard let ledger = try store.ledger(run: id).first(where: { $0.phase == "train" }) else {
            throw GateFailure("\(id) (\(run.model)) has no training ledger entry")
        }
        let stepsTrained = try store.evaluations(run: id).map(\.step).max() ?? 0
        guard stepsTrained == ledger.steps else {
            throw GateFailure("\(id) (\(run.model)): the ledger says \(ledger.steps) steps, its last checkpoint is at step \(stepsTrained)")
        }
        let epochs = try store.recordedEpochs(run: id)
        // The examples the run trained on: epoch 0's recorded rows. A run that stopped early inside its first epoch
        // has none recorded (dynamics are stored per complete epoch); ERM and ERM(ES) train on the whole training
        // set, so that is their membership; a subset run (DM, Random DM, FTFT) must have recorded an epoch.
        let members: [Int]
        if let first = epochs.first(where: { $0.epoch == 0 }) {
            members = try store.epoch(run: id, epoch: first.epoch).rows.exampleIndices.sorted()
        } else if run.method == .erm || run.method == .ermES {
            members = Array(0..<task.train.examples.count)
        } else {
            throw GateFailure("\(id) (\(run.method.rawValue)): no recorded epoch 0, so its training subset is unknown")
        }
        let exampleLengths = try lengths(recipe)
        let flops = BertFLOPs(config: recipe.config)
        let batchSize = spec.training.batchSize
        var predicted: Int64 = 0, step = 0, epoch = 0
        let random = SeededRandom(seed: run.seed)
        while step < stepsTrained {
            var stream = random.stream(.shuffle, UInt64(epoch))
            let order = stream.permutation(members.count).map { members[$0] }
            if epochs.contains(where: { $0.epoch == epoch }) {
                let stored = try store.epoch(run: id, epoch: epoch).rows.exampleIndices
                guard stored == order else {
                    throw GateFailure("\(id) epoch \(epoch): the recorded processing order differs from the trainer's documented shuffle")
                }
            }
            var start = 0
            while start < order.count && step < stepsTrained {
                let batch = order[start..<min(start + batchSize, order.count)]
                let length = batch.map { exampleLengths[$0] }.max() ?? 0
                predicted += flops.trainingFLOPs(batchSize: batch.count, length: length)
                step += 1
                start += batchSize
            }
            epoch += 1
        }
        guard predicted == ledger.countedTrainingFLOPs, ledger.countedTrainingFLOPs == ledger.preciseTrainingFLOPs else {
            throw GateFailure("\(id) (\(run.model), \(stepsTrained) steps): counted \(ledger.countedTrainingFLOPs) training FLOPs, "
                              + "the ledger's exact count \(ledger.preciseTrainingFLOPs), reconstructed from the batches \(predicted)")
        }
        return RunCheck(run: id, model: run.model, ledger: ledger, stepsTrained: stepsTrained, predictedTrainingFLOPs: predicted)
    }
}

/// The cost of one method with one seed: its phases (reference, if any, and main) against the unit (ERM of the
/// compute-unit model).
struct MethodCost {
    var label: String
    var kind: MethodSpec.Kind
    var phases: [RunCheck]
    var unit: RunCheck

    var countedFLOPs: Int64 { phases.reduce(0) { $0 + $1.ledger.countedTrainingFLOPs } }
    var predictedFLOPs: Int64 { phases.reduce(0) { $0 + $1.predictedTrainingFLOPs } }
    var evaluationFLOPs: Int64 { phases.reduce(0) { $0 + $1.ledger.countedEvaluationFLOPs } }
    var trainingWallSeconds: Double { phases.reduce(0) { $0 + $1.ledger.trainingWallSeconds } }

    /// Counted training FLOPs relative to ERM of the unit model = 100 (the paper's Compute column).
    var percentOfUnit: Double { 100 * Double(countedFLOPs) / Double(unit.ledger.countedTrainingFLOPs) }
    var wallPercentOfUnit: Double { 100 * trainingWallSeconds / unit.ledger.trainingWallSeconds }

    /// Σ phase FLOPs × the seconds per FLOP of that phase's model in its full-length ERM run.
    func predictedWallSeconds(secondsPerFLOP: [String: Double]) -> Double? {
        var total = 0.0
        for phase in phases {
            guard let rate = secondsPerFLOP[phase.model] else { return nil }
            total += Double(phase.ledger.countedTrainingFLOPs) * rate
        }
        return total
    }
}

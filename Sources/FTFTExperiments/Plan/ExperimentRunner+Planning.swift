import Foundation
import FTFTEncoder
import FTFTStore
import FTFTTensors
import FTFTTraining

extension ExperimentRunner {
    /// The experiment's runs as `run()` trains them, each once: per seed the compute unit's ERM run, then the
    /// full-length methods before the early-stopped ones (a DM/FTFT method's reference run just before its main
    /// run). A run shared by several rows takes the method and role of its first use, as `run()` creates it.
    /// Predictions use `rates` for wall time.
    public func experimentPlan(rates: FLOPRates = FLOPRates()) throws -> ExperimentPlan {
        var runs: [ExperimentPlan.PlannedRun] = []
        var position: [String: Int] = [:]
        var counters: [ExperimentPlan.Stage: Int] = [:]

        func add(_ title: String, _ method: RunMethod, _ role: RunRole, model: String, seed: UInt64, label: String?,
                 configuration: RunConfiguration, subset: [Int]?, dependsOn: Int64?, serves: String) throws -> Int64 {
            let sha = try configuration.sha256()
            if let i = position[sha] {
                runs[i].serves.append(serves)
                return runs[i].id
            }
            let stage: ExperimentPlan.Stage = dependsOn == nil ? .independent : .dependent
            let index = counters[stage, default: 0]
            counters[stage] = index + 1
            let prediction = try predict(model: model, configuration: configuration, subset: subset,
                                         estimated: method == .dm || method == .ftft, rates: rates)
            position[sha] = runs.count
            runs.append(ExperimentPlan.PlannedRun(
                id: RunID(configurationSHA256: sha).rawValue, configurationSHA256: sha, title: title, method: method.rawValue,
                role: role.rawValue, model: model, seed: seed, methodLabel: label, stage: stage, index: index,
                dependsOn: dependsOn, serves: [serves], prediction: prediction))
            return runs[runs.count - 1].id
        }
        func erm(_ model: String, _ seed: UInt64, _ role: RunRole, serves: String) throws -> Int64 {
            try add("ERM \(model)", .erm, role, model: model, seed: seed, label: nil,
                    configuration: try configuration(model: model, seed: seed, subset: nil, patience: nil), subset: nil,
                    dependsOn: nil, serves: serves)
        }

        var rows: [ExperimentPlan.Row] = []
        let order = spec.methods.filter { !$0.isEarlyStopped } + spec.methods.filter(\.isEarlyStopped)
        for seed in spec.seeds {
            let unit = try erm(spec.computeUnit, seed, .main, serves: "compute unit (seed \(seed))")
            for method in order {
                let serves = "\(method.label) (seed \(seed))"
                var row = ExperimentPlan.Row(label: method.label, kind: method.kind, seed: seed, mainRun: 0, referenceRun: nil,
                                             unitRun: unit, postHocRun: nil)
                let identity = try subsetIdentity(method, seed: seed)
                let patience = method.isEarlyStopped ? method.patience : nil
                let main = try configuration(model: method.model, seed: seed, subset: identity, patience: patience)
                if let counterpart = try plannedPostHocCounterpart(method, seed: seed, identity: identity, position: position) {
                    // Read post hoc from its full-length counterpart, planned above: no run of its own (the
                    // reference of a FTFT row is the DM row's, planned with it).
                    if method.kind == .ftft {
                        row.referenceRun = try erm(method.reference ?? "", seed, .reference, serves: "reference of \(serves)")
                    }
                    runs[counterpart].serves.append("\(serves), post hoc")
                    (row.mainRun, row.postHocRun, row.postHocDerived) = (runs[counterpart].id, runs[counterpart].id, true)
                    rows.append(row)
                    continue
                }
                switch method.kind {
                case .erm:
                    row.mainRun = try erm(method.model, seed, .main, serves: serves)
                case .ermES:
                    row.mainRun = try add(method.label, .ermES, .main, model: method.model, seed: seed, label: method.label,
                                          configuration: main, subset: nil, dependsOn: nil, serves: serves)
                case .randomDM:
                    let indices = SubsetSelection.randomIndices(count: task.train.count, rate: method.rate, rule: method.rule, seed: seed)
                    row.mainRun = try add(method.label, .randomDM, .main, model: method.model, seed: seed, label: method.label,
                                          configuration: main, subset: indices, dependsOn: nil, serves: serves)
                case .dm, .ftft:
                    let referenceModel = method.reference ?? ""
                    let reference = try erm(referenceModel, seed, .reference, serves: "reference of \(serves)")
                    row.referenceRun = reference
                    row.mainRun = try add(method.label, Self.storeMethod(method.kind), .main, model: method.model, seed: seed,
                                          label: method.label, configuration: main, subset: nil, dependsOn: reference,
                                          serves: serves)
                }
                if method.isEarlyStopped {
                    let full = try configuration(model: method.model, seed: seed, subset: identity, patience: nil)
                    row.postHocRun = position[try full.sha256()].map { runs[$0].id }
                }
                rows.append(row)
            }
        }
        // Rows in the experiment's order (seed, then method as listed), as the manifest keeps them.
        rows.sort { a, b in
            let ia = spec.methods.firstIndex { $0.label == a.label } ?? 0, ib = spec.methods.firstIndex { $0.label == b.label } ?? 0
            return (a.seed, ia) < (b.seed, ib)
        }
        return ExperimentPlan(spec: spec, trainingExamples: task.train.count, runs: runs, rows: rows,
                              majorityBaseline: task.majorityBaseline)
    }

    /// The planned run an `early_stopping: post_hoc` row will be read from (an index into the plan's runs): its
    /// full-length counterpart, when a row above plans it and no finished run of that configuration recorded
    /// without the post-hoc records is in the store (`run()` would then train the row live, and so does the plan).
    func plannedPostHocCounterpart(_ method: MethodSpec, seed: UInt64, identity: SubsetIdentity?,
                                   position: [String: Int]) throws -> Int? {
        guard spec.training.earlyStopping == .postHoc, method.isEarlyStopped,
              (method.keep ?? ModelKeep.none) == ModelKeep.none, let patience = method.patience else { return nil }
        let sha = try configuration(model: method.model, seed: seed, subset: identity, patience: nil).sha256()
        guard let index = position[sha] else { return nil }
        if let done = try phaseRunner.finishedRun(sha: sha, policy: .reported),
           try RunResults.postHocReading(store: store, run: done.id, patience: patience, task: task.definition) == nil {
            return nil
        }
        return index
    }

    /// FLOPs of one run as the ledger would count them: training batches in the order the run's batching draws
    /// them (each padded to its longest example) for max_steps updates, and each evaluation's forward passes over
    /// the sets' evaluation batches. Under the `reported` evaluation policy the early-stopping sets are evaluated
    /// at every checkpoint and the others once (at the last checkpoint, or — early-stopped — each time the best
    /// improves, so at least once: the prediction is then a lower bound for evaluation — as it is for a
    /// full-length run that `early_stopping: post_hoc` rows are read from, which also evaluates the others at its new
    /// bests before the stop); a run evaluated at its last checkpoint only (`evaluationPolicy`) evaluates every set once.
    func predict(model: String, configuration: RunConfiguration, subset: [Int]?, estimated: Bool,
                 rates: FLOPRates) throws -> RunPrediction {
        let recipe = try recipe(model)
        let flops = BertFLOPs(config: recipe.config)
        let all = try trainExamples(recipe).map(\.inputIds.count)
        let lengths = subset.map { $0.map { all[$0] } } ?? all
        let t = configuration.training
        var training: Int64 = 0, steps = 0, epoch = 0
        let random = SeededRandom(seed: configuration.seed)
        while steps < t.maxSteps {
            let order = t.batching.order(lengths: lengths, batchSize: t.batchSize, random: random, epoch: epoch)
            var start = 0
            while start < order.count && steps < t.maxSteps {
                let end = min(start + t.batchSize, order.count)
                training += flops.trainingFLOPs(batchSize: end - start, length: order[start..<end].map { lengths[$0] }.max() ?? 0)
                steps += 1
                start = end
            }
            epoch += 1
        }
        let suite = try suite(recipe)
        func evaluationFLOPs(_ set: EvaluationSuite.EncodedSet) -> Int64 {
            set.batches.batches.reduce(0) { sum, batch in
                sum + flops.forwardFLOPs(batchSize: batch.count,
                                         length: set.batches.order[batch].map { set.examples[$0].inputIds.count }.max() ?? 0)
            }
        }
        let stopping = Set(suite.earlyStoppingSets)
        let policy = try evaluationPolicy(for: configuration, keep: .none)
        var perEvaluation: Int64 = 0, once: Int64 = 0
        for (i, set) in suite.sets.enumerated() {
            if policy == .everyCheckpoint || (policy == .reported && stopping.contains(i)) {
                perEvaluation += evaluationFLOPs(set)
            } else {
                once += evaluationFLOPs(set)
            }
        }
        let interval = t.evalInterval ?? TrainingConfiguration.batchesPerEpoch(exampleCount: lengths.count, batchSize: t.batchSize)
        let evaluations = (1...max(1, t.maxSteps)).filter {
            TrainingConfiguration.isEvaluationStep($0, interval: interval, maxSteps: t.maxSteps)
        }.count
        let evaluation = perEvaluation * Int64(evaluations) + once
        let rate = rates.rates[model]
        let wall = rate.map { Double(training) / $0.trainingFLOPsPerSecond + Double(evaluation) / $0.evaluationFLOPsPerSecond }
        return RunPrediction(steps: t.maxSteps, trainingFLOPs: training, evaluationFLOPs: evaluation, wallSeconds: wall,
                             rateSource: rate?.source, estimatedOnFullSet: estimated, upperBound: configuration.patience != nil)
    }

    /// FLOP rates of a model measured on a few training updates and one evaluation batch here (after one warm-up
    /// update), for models no finished run in the ledger tells about.
    public func calibrate(model: String, steps: Int = 2) throws -> FLOPRates.Rate {
        let recipe = try recipe(model)
        let examples = try trainExamples(recipe)
        let configuration = try configuration(model: model, seed: 0, subset: nil, patience: nil)
        let trainer = try Trainer(model: try recipe.makeModel(seed: 0, kernelPath: kernelPath), examples: examples,
                                  configuration: configuration.training, random: SeededRandom(seed: 0), threads: spec.threads)
        let order = trainer.order(epoch: 0)
        let b = configuration.training.batchSize
        func batch(_ i: Int) -> TokenBatch {
            let slice = order[(i * b) % order.count ..< min((i * b) % order.count + b, order.count)]
            return TokenBatch(examples: slice.map { examples[$0] }, padTokenId: configuration.training.padTokenId)
        }
        try trainer.update(batch: batch(0))
        let (flops0, seconds0) = (trainer.trainingFLOPs, trainer.trainingWallSeconds)
        for i in 1...steps { try trainer.update(batch: batch(i)) }
        let trainingRate = Double(trainer.trainingFLOPs - flops0) / max(trainer.trainingWallSeconds - seconds0, 1e-9)
        let evaluationSet = Array(examples.prefix(configuration.training.evaluationBatching.maxExamples ?? 64))
        _ = try trainer.evaluate(evaluationSet)
        let evaluationRate = Double(trainer.evaluationFLOPs) / max(trainer.evaluationWallSeconds, 1e-9)
        return FLOPRates.Rate(trainingFLOPsPerSecond: trainingRate, evaluationFLOPsPerSecond: evaluationRate,
                              source: "calibration: \(steps) updates here")
    }
}

/// FLOPs per second of each model (by the experiment's model name), for turning predicted FLOPs into time.
public struct FLOPRates: Sendable, Equatable {
    public struct Rate: Sendable, Equatable {
        public var trainingFLOPsPerSecond: Double
        public var evaluationFLOPsPerSecond: Double
        public var source: String
    }

    public var rates: [String: Rate] = [:]

    public init(rates: [String: Rate] = [:]) { self.rates = rates }

    /// Rates from the ledger of the finished runs in `stores`: counted training FLOPs over training seconds, and
    /// the same for evaluation, summed over every finished run of a model (runs listed twice count once).
    public static func fromLedger(_ stores: [RunStore]) throws -> FLOPRates {
        var sums: [String: (trainFLOPs: Double, trainSeconds: Double, evalFLOPs: Double, evalSeconds: Double, runs: Int)] = [:]
        var seen: Set<RunID> = []
        for store in stores {
            for run in try store.runs() where run.status == .finished && !seen.contains(run.id) {
                guard let entry = try store.ledger(run: run.id).first(where: { $0.phase == "train" }),
                      entry.trainingWallSeconds > 0 else { continue }
                seen.insert(run.id)
                var s = sums[run.model, default: (0, 0, 0, 0, 0)]
                s.trainFLOPs += Double(entry.countedTrainingFLOPs)
                s.trainSeconds += entry.trainingWallSeconds
                s.evalFLOPs += Double(entry.countedEvaluationFLOPs)
                s.evalSeconds += entry.evaluationWallSeconds
                s.runs += 1
                sums[run.model] = s
            }
        }
        var rates = FLOPRates()
        for (model, s) in sums {
            let training = s.trainFLOPs / s.trainSeconds
            rates.rates[model] = Rate(trainingFLOPsPerSecond: training,
                                      evaluationFLOPsPerSecond: s.evalSeconds > 0 ? s.evalFLOPs / s.evalSeconds : training,
                                      source: "ledger: \(s.runs) finished run\(s.runs == 1 ? "" : "s") of \(model)")
        }
        return rates
    }
}

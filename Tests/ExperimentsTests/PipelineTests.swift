import Foundation
import Testing
import FTFTData
import FTFTEncoder
import FTFTStore
import FTFTTestSupport
@testable import FTFTExperiments

/// The whole pipeline on a tiny configuration (embedded task, 200 training examples, 1-layer models of width 16
/// and 32, 39 steps), run once for the suite: ledger arithmetic, shared runs, the early-stopping rule live and
/// post hoc (patience 2 and 3), selection counts, and reuse of finished runs.
struct PipelineTests {
    static let yaml = """
        experiment: pipeline-test
        task: {name: embedded, max_length: 40, embedded: {train_size: 200, validation_size: 40, ood_dev_size: 40, ood_test_size: 40}}
        seeds: [0, 1]
        models:
          tiny:  {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 3e-3}
          large: {scratch: {layers: 1, hidden: 32, heads: 2, intermediate: 64}, learning_rate: 3e-3}
        training: {max_steps: 39, batch_size: 16, eval_interval: 6}
        methods:
          - {label: "ERM tiny", method: erm, model: tiny}
          - {label: "ERM", method: erm, model: large}
          - {label: "ERM(ES) k2", method: erm_es, model: large, patience: 2}
          - {label: "ERM(ES) k3", method: erm_es, model: large, patience: 3}
          - {label: "DM", method: dm, reference: tiny, model: large}
          - {label: "DM exact", method: dm, reference: tiny, model: large, rule: exact}
          - {label: "Random DM", method: random_dm, model: large}
          - {label: "Random DM exact", method: random_dm, model: large, rule: exact}
          - {label: "FTFT k2", method: ftft, reference: tiny, model: large, patience: 2}
          - {label: "FTFT k3", method: ftft, reference: tiny, model: large, patience: 3}
        """

    struct Fixture: @unchecked Sendable {
        let directory: URL
        let runner: ExperimentRunner
        let manifest: ExperimentManifest
        let results: ExperimentResults
        let events: [PipelineEvent]
    }

    /// Collects events from the runner (called on the running thread only).
    final class EventLog: @unchecked Sendable {
        var events: [PipelineEvent] = []
        func add(_ e: PipelineEvent) { events.append(e) }
    }

    static func makeRunner(directory: URL, log: EventLog) throws -> ExperimentRunner {
        let spec = try ExperimentSpec.parse(yaml: yaml, file: "pipeline-test.yaml", baseDirectory: directory.path, environment: [:])
        let runner = try ExperimentRunner(spec: spec, outputDirectory: directory.path, events: log.add)
        runner.kernelPath = .reference   // same function as .fused; several times faster in debug builds
        return runner
    }

    static let fixture: Result<Fixture, Error> = Result {
        let directory = try PackagePaths.temporaryDirectory("ftft-pipeline")
        let log = EventLog()
        let runner = try makeRunner(directory: directory, log: log)
        let manifest = try runner.run()
        let results = try ExperimentResults.load(manifest: manifest, store: runner.store, directory: runner.directory)
        return Fixture(directory: directory, runner: runner, manifest: manifest, results: results, events: log.events)
    }

    func method(_ f: Fixture, _ label: String) throws -> MethodResult {
        try #require(f.results.methods.first { $0.method.label == label })
    }

    @Test func countedFLOPsEqualTheArchitecturesCountAndDecomposeInto6ND() throws {
        let f = try Self.fixture.get()
        let runs = try f.runner.store.runs(experiment: "pipeline-test")
        #expect(runs.count == 2 * 10)  // per seed: ERM tiny, ERM, 2 ERM(ES), 2 DM, 2 Random DM, 2 FTFT; references shared
        for run in runs {
            let entry = try RunResults.compute(store: f.runner.store, run: run.id)
            #expect(entry.countedTrainingFLOPs == entry.preciseTrainingFLOPs, "\(run.id)")
            #expect(entry.countedTrainingFLOPs > 0 && entry.countedEvaluationFLOPs > 0 && entry.countedDynamicsPassFLOPs == 0)
            // precise = 6·N·D(padded) + attention T² terms + pooler/classifier on [CLS]; check with the model's sizes.
            let hidden: Int64 = run.model == "tiny" ? 16 : 32
            let n: Int64 = 4 * hidden * hidden + 2 * hidden * (2 * hidden)   // one layer, intermediate = 2·hidden
            #expect(entry.parameterCount == n)
            #expect(entry.kaplanTrainingFLOPs == 6 * n * entry.tokensWithPadding)
            let head = 6 * (hidden * hidden + hidden * 2) * entry.examples
            let attention = entry.preciseTrainingFLOPs - entry.kaplanTrainingFLOPs - head
            #expect(attention > 0 && attention % (12 * hidden) == 0)
            #expect(entry.tokensWithoutPadding <= entry.tokensWithPadding && entry.tokensWithoutPadding > 0)
        }
    }

    /// The ledger's time split (issue 12): every part recorded, the parts within the run's wall time, and the
    /// evaluation tokens exactly those of the sets the store holds evaluations of.
    @Test func theLedgerSaysWhereTheTimeGoes() throws {
        let f = try Self.fixture.get()
        let store = f.runner.store
        #expect(f.results.runs.count == 2 * 10)
        for r in f.results.runs {
            let split = try #require(r.timeSplit, "\(r.run) has no time split")
            #expect(split.seconds[.training] ?? 0 > 0 && split.seconds[.evaluation] ?? 0 > 0)
            #expect(split.seconds[.checkpointing] ?? 0 > 0 && split.seconds[.storeWrites] ?? 0 > 0)
            #expect(abs(RunTimeSplit.Part.allCases.map { split.share($0) }.reduce(0, +) - 1) < 1e-9)
            #expect(try #require(r.entry.phaseWallSeconds) >= r.entry.trainingWallSeconds + r.entry.evaluationWallSeconds)
            let suite = try f.runner.suite(try f.runner.recipe(r.model))
            var padded = 0, real = 0
            for e in try store.evaluations(run: r.run) {
                let set = try #require(suite.sets.first { $0.name == e.dataset })
                padded += set.paddedTokens
                real += set.realTokens
            }
            #expect(r.entry.evaluationTokensWithPadding == Int64(padded) && r.entry.evaluationTokensWithoutPadding == Int64(real))
            #expect(real > 0 && padded >= real)
        }
        // Loading the task and tokenizing are charged to the first run trained.
        #expect(try #require(f.results.runs.first?.entry.dataPreparationWallSeconds) > 0)
        let table = f.results.timeSplitTable()
        #expect(table.rows.count == 21 && table.rows.last?.first == "all runs")
    }

    @Test func computeIsRelativeToTheUnitsERMAndSharesTheReferenceRuns() throws {
        let f = try Self.fixture.get()
        let store = f.runner.store
        for seed: UInt64 in [0, 1] {
            let ermLarge = try #require(f.manifest.entry(label: "ERM", seed: seed))
            let ermTiny = try #require(f.manifest.entry(label: "ERM tiny", seed: seed))
            #expect(ermLarge.unitRun == ermLarge.mainRun)
            let unit = try RunResults.compute(store: store, run: RunID(ermLarge.mainRun)).countedTrainingFLOPs
            for label in ["DM", "DM exact", "FTFT k2", "FTFT k3"] {
                let e = try #require(f.manifest.entry(label: label, seed: seed))
                // The reference run of every data map is the ERM run of the reference model, trained once.
                #expect(e.referenceRun == ermTiny.mainRun, "\(label)")
                let main = try RunResults.compute(store: store, run: RunID(e.mainRun)).countedTrainingFLOPs
                let reference = try RunResults.compute(store: store, run: RunID(ermTiny.mainRun)).countedTrainingFLOPs
                let result = try #require(try method(f, label).seeds.first { $0.seed == seed })
                #expect(result.countedCompute == 100 * Double(main + reference) / Double(unit))
            }
            let erm = try #require(try method(f, "ERM").seeds.first { $0.seed == seed })
            #expect(erm.countedCompute == 100)
            let random = try #require(try method(f, "Random DM").seeds.first { $0.seed == seed })
            #expect(random.reference == nil)
            #expect(random.countedCompute == 100 * Double(random.main.countedTrainingFLOPs) / Double(unit))
        }
        // Aggregation: mean and sample standard deviation over the two seeds.
        let ftft = try method(f, "FTFT k2")
        let values = ftft.seeds.map(\.countedCompute)
        let summary = ftft.summary { $0.countedCompute }
        #expect(summary.count == 2 && abs(summary.mean - (values[0] + values[1]) / 2) < 1e-12)
        #expect(abs(summary.standardDeviation - abs(values[0] - values[1]) / 2.squareRoot()) < 1e-9)
    }

    @Test func liveEarlyStoppingAgreesWithThePostHocRuleOnTheFullRun() throws {
        let f = try Self.fixture.get()
        let k = f.spec.evaluationsPerFullRun
        for label in ["ERM(ES) k2", "ERM(ES) k3", "FTFT k2", "FTFT k3"] {
            let m = try method(f, label)
            let patience = try #require(m.method.patience)
            for s in m.seeds {
                let posthoc = try #require(s.postHoc, "\(label) seed \(s.seed) has no full-length counterpart")
                #expect(posthoc.best == s.reported.checkpoint && posthoc.trained == s.checkpointsTrained,
                        "\(label) seed \(s.seed): live best \(s.reported.checkpoint) trained \(s.checkpointsTrained), post hoc \(posthoc)")
                #expect(s.checkpointsTrained == min(s.reported.checkpoint + patience, k))
                // The stopped run is a bit-identical prefix of the full-length run: the same metrics at every
                // checkpoint where both evaluated a set (under the `reported` policy the full run evaluates the
                // non-stopping sets only at its last checkpoint, the stopped run at each new best).
                let entry = try #require(f.manifest.entry(label: label, seed: s.seed))
                let full = try RunResults.checkpoints(store: f.runner.store, run: RunID(try #require(entry.postHocRun)),
                                                      task: f.results.task)
                for (a, b) in zip(full, s.checkpoints) {
                    #expect(a.step == b.step && a.checkpoint == b.checkpoint && a.criterion == b.criterion)
                    for (name, value) in a.dev.merging(a.test, uniquingKeysWith: { x, _ in x }) {
                        if let other = b.dev[name] ?? b.test[name] { #expect(value == other, "\(label) seed \(s.seed) \(name)") }
                    }
                }
                #expect(full.count >= s.checkpoints.count)
                if s.checkpointsTrained < k { #expect(s.mainSteps == s.checkpointsTrained * f.spec.training.evalInterval) }
            }
        }
    }

    @Test func selectionCountsFollowTheirRules() throws {
        let f = try Self.fixture.get()
        let n = 200
        for seed: UInt64 in [0, 1] {
            let random = try #require(f.manifest.entry(label: "Random DM", seed: seed))
            #expect(random.selectedCount == Int((0.33 * Double(n)).rounded(.down)) && random.poolCount == n)
            // FTFT's strict float32 quantile rule: N − 1 − ⌊q(N−1)⌋, or one fewer when the lerp lands on the next score.
            let dm = try #require(f.manifest.entry(label: "DM", seed: seed))
            let base = n - 1 - Int(Float(1 - 0.33) * Float(n - 1))
            #expect(dm.selectedCount == base || dm.selectedCount == base - 1)
            // With the same (exact) rule, Random DM selects exactly as many as DM: round(rate·N).
            let dmExact = try #require(f.manifest.entry(label: "DM exact", seed: seed))
            let randomExact = try #require(f.manifest.entry(label: "Random DM exact", seed: seed))
            #expect(dmExact.selectedCount == Int((0.33 * Double(n)).rounded()) && randomExact.selectedCount == dmExact.selectedCount)
            // The main run trained on exactly the stored selection: M examples per pass, batches of 16, no drop_last.
            let stored = try f.runner.store.selections(run: RunID(try #require(dm.referenceRun)))
            #expect(stored.contains { $0.count == dm.selectedCount && $0.spec.rule == .ftft })
            let main = try RunResults.compute(store: f.runner.store, run: RunID(dm.mainRun))
            let m = try #require(dm.selectedCount), batches = (m + 15) / 16
            let expected = (0..<f.spec.training.maxSteps).reduce(0) { sum, step in sum + (step % batches < batches - 1 ? 16 : m - 16 * (batches - 1)) }
            #expect(main.examples == Int64(expected) && main.steps == f.spec.training.maxSteps)
        }
    }

    @Test func aSecondRunReusesEveryRunFromTheStore() throws {
        let f = try Self.fixture.get()
        let before = try f.runner.store.runs(experiment: "pipeline-test")
        let log = EventLog()
        let again = try Self.makeRunner(directory: f.directory, log: log)
        let manifest = try again.run()
        #expect(manifest == f.manifest)
        #expect(try again.store.runs(experiment: "pipeline-test").map(\.id) == before.map(\.id))
        #expect(!log.events.contains { if case .phaseStarted = $0 { return true } else { return false } })
        #expect(log.events.contains { if case .phaseReused = $0 { return true } else { return false } })
    }

    @Test func aReferenceRunOnOtherExamplesIsRejected() throws {
        let f = try Self.fixture.get()
        let store = f.runner.store
        let train = f.runner.task.train
        let dm = try #require(f.spec.methods.first { $0.label == "DM" })
        // A stored run whose dynamics cover the same number of examples, with one id changed and one label flipped.
        for change in ["id", "label"] {
            let run = try store.createRun(NewRun(experiment: "other", method: .erm, role: .reference, seed: 9, model: "tiny",
                                                 configurationJSON: "{\"other\":\"\(change)\"}", provenanceJSON: "{}"))
            var ids = train.examples.map(\.id), golds = train.labels
            if change == "id" { ids[5] = "someone-else" } else { golds[7] = 1 - golds[7] }
            for epoch in 0..<2 {
                try store.appendEpoch(run: run.id, epoch: epoch, rows: DynamicsRows(
                    exampleIndices: Array(0..<train.count), exampleIDs: ids, golds: golds, classes: 2,
                    logits: [Float](repeating: 0.5, count: 2 * train.count)))
            }
            #expect {
                _ = try SubsetSelection.fromDataMap(store: store, reference: run.id, train: train, method: dm, threads: 1)
            } throws: { error in
                guard case ExperimentError.referenceMismatch(_, _, let reason) = error else { return false }
                return reason.contains(change == "id" ? "someone-else" : "label")
            }
        }
    }
}

extension PipelineTests.Fixture {
    var spec: ExperimentSpec { runner.spec }
}

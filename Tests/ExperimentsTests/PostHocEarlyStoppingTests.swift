import Foundation
import Testing
import FTFTData
import FTFTStore
import FTFTTestSupport
@testable import FTFTExperiments

/// `early_stopping: post_hoc` (issue 12): an early-stopped row read from its full-length counterpart must give
/// what its live run gives — every checkpoint up to the stop, the reported cells and logits, the steps and the
/// counted cost — on every early-stopped row of the pipeline test's experiment (seed 0, against `PipelineTests`'
/// live run of the same file), while training none of those rows' runs.
struct PostHocEarlyStoppingTests {
    static let yaml = PipelineTests.yaml
        .replacingOccurrences(of: "seeds: [0, 1]", with: "seeds: [0]")
        .replacingOccurrences(of: "eval_interval: 6}", with: "eval_interval: 6, early_stopping: post_hoc}")

    struct Fixture: @unchecked Sendable {
        let directory: URL
        let runner: ExperimentRunner
        let manifest: ExperimentManifest
        let results: ExperimentResults
    }

    static let postHoc: Result<Fixture, Error> = Result {
        let directory = try PackagePaths.temporaryDirectory("ftft-post-hoc")
        let spec = try ExperimentSpec.parse(yaml: yaml, file: "post-hoc-test.yaml", baseDirectory: directory.path, environment: [:])
        let runner = try ExperimentRunner(spec: spec, outputDirectory: directory.path)
        runner.kernelPath = .reference   // part of a run's identity, as the live fixture's
        let manifest = try runner.run()
        return Fixture(directory: directory, runner: runner, manifest: manifest,
                       results: try ExperimentResults.load(manifest: manifest, store: runner.store, directory: runner.directory))
    }

    @Test func everyEarlyStoppedRowReadsWhatItsLiveRunGives() throws {
        let post = try Self.postHoc.get(), live = try PipelineTests.fixture.get()
        #expect(post.runner.spec.training.earlyStopping == .postHoc && live.runner.spec.training.earlyStopping == .live)
        var derived = 0
        let counterparts = Set(post.manifest.entries.compactMap(\.postHocRun))
        #expect(counterparts.count == 2)   // ERM and DM (seed 0)
        for m in post.results.methods {
            let a = try #require(m.seeds.first { $0.seed == 0 })
            let b = try #require(live.results.methods.first { $0.method.label == m.method.label }?.seeds.first { $0.seed == 0 })
            let entry = try #require(post.manifest.entry(label: m.method.label, seed: 0))
            if m.method.isEarlyStopped {
                #expect(entry.postHocDerived == true && entry.mainRun == entry.postHocRun, "\(m.method.label)")
                derived += 1
            } else {
                #expect(entry.postHocDerived == nil, "\(m.method.label)")
            }
            #expect(a.reported == b.reported && a.reportedLogitsSHA256 == b.reportedLogitsSHA256, "\(m.method.label)")
            if counterparts.contains(entry.mainRun) && !m.method.isEarlyStopped {
                // A counterpart records more than under `live` (the other sets at its early new bests), and pays
                // for it in evaluation only; its row's reported cells and training are the same.
                #expect(a.checkpoints.map(\.criterion) == b.checkpoints.map(\.criterion), "\(m.method.label)")
                #expect(a.main.countedEvaluationFLOPs >= b.main.countedEvaluationFLOPs, "\(m.method.label)")
                #expect(a.main.countedTrainingFLOPs == b.main.countedTrainingFLOPs, "\(m.method.label)")
                continue
            }
            #expect(a.checkpoints == b.checkpoints, "\(m.method.label)")
            #expect(a.mainSteps == b.mainSteps && a.checkpointsTrained == b.checkpointsTrained, "\(m.method.label)")
            #expect(a.postHoc?.best == b.postHoc?.best && a.postHoc?.trained == b.postHoc?.trained, "\(m.method.label)")
            // The cost the row is charged: the live run's, to the FLOP and token.
            #expect(a.main.countedTrainingFLOPs == b.main.countedTrainingFLOPs, "\(m.method.label)")
            #expect(a.main.countedEvaluationFLOPs == b.main.countedEvaluationFLOPs, "\(m.method.label)")
            #expect(a.main.steps == b.main.steps && a.main.examples == b.main.examples, "\(m.method.label)")
            #expect(a.main.tokensWithPadding == b.main.tokensWithPadding, "\(m.method.label)")
            #expect(a.main.evaluationTokensWithPadding == b.main.evaluationTokensWithPadding, "\(m.method.label)")
            #expect(a.countedCompute == b.countedCompute, "\(m.method.label)")
        }
        #expect(derived == 4)   // ERM(ES) k2, k3, FTFT k2, k3
        // And the early stops are not all at the end: some row is read from a prefix of its counterpart.
        let stops = post.results.methods.filter(\.method.isEarlyStopped).compactMap { $0.seeds.first?.checkpointsTrained }
        let full = try #require(post.results.methods.first { $0.method.label == "ERM" }?.seeds.first?.checkpointsTrained)
        #expect(stops.contains { $0 < full })
    }

    @Test func noEarlyStoppedRunIsTrained() throws {
        let post = try Self.postHoc.get(), live = try PipelineTests.fixture.get()
        let runs = try post.runner.store.runs(experiment: "pipeline-test")
        #expect(runs.allSatisfy { $0.method != .ermES && $0.method != .ftft })
        let liveSeed0 = try live.runner.store.runs(experiment: "pipeline-test").filter { $0.seed == 0 }
        #expect(runs.count == liveSeed0.count - 4)
        // The plan agrees: no run for the early-stopped rows, which name their counterparts.
        let plan = try post.runner.experimentPlan()
        #expect(plan.runs.count == runs.count)
        for row in plan.rows where row.kind == .ermES || row.kind == .ftft {
            #expect(row.postHocDerived == true && row.mainRun == row.postHocRun)
        }
    }

    /// Interrupted after every checkpoint from step 12 on and resumed each time, the counterparts (whose post-hoc
    /// records live in the checkpoint's state) give the same early-stopped rows, to the FLOP.
    @Test func interruptedCounterpartsGiveTheSameRows() throws {
        let directory = try PackagePaths.temporaryDirectory("ftft-post-hoc-resume")
        defer { try? FileManager.default.removeItem(at: directory) }
        let spec = try ExperimentSpec.parse(yaml: Self.yaml, file: "post-hoc-test.yaml", baseDirectory: directory.path, environment: [:])
        var interruptions = 0, manifest: ExperimentManifest?
        while manifest == nil && interruptions < 200 {
            let runner = try ExperimentRunner(spec: spec, outputDirectory: directory.path)
            runner.kernelPath = .reference
            runner.interruptAfterStep = 12
            do { manifest = try runner.run() } catch is PipelineInterruption { interruptions += 1 }
        }
        #expect(interruptions > 10)
        let runner = try ExperimentRunner(spec: spec, outputDirectory: directory.path)
        let resumed = try ExperimentResults.load(manifest: try #require(manifest), store: runner.store, directory: runner.directory)
        let plain = try Self.postHoc.get()
        for (m, n) in zip(resumed.methods, plain.results.methods) where m.method.isEarlyStopped {
            let a = try #require(m.seeds.first), b = try #require(n.seeds.first)
            #expect(try #require(manifest).entry(label: m.method.label, seed: 0)?.postHocDerived == true)
            #expect(a.checkpoints == b.checkpoints && a.reported == b.reported, "\(m.method.label)")
            #expect(a.reportedLogitsSHA256 == b.reportedLogitsSHA256 && a.checkpointsTrained == b.checkpointsTrained)
            #expect(a.main.countedTrainingFLOPs == b.main.countedTrainingFLOPs, "\(m.method.label)")
            #expect(a.main.countedEvaluationFLOPs == b.main.countedEvaluationFLOPs, "\(m.method.label)")
            #expect(a.main.evaluationTokensWithPadding == b.main.evaluationTokensWithPadding, "\(m.method.label)")
        }
    }

    /// A row whose patience reaches the end of the run (T = min(b + 5, 6) = K) and whose last checkpoint is not a new best: the live run
    /// evaluates the other sets there only if it improves, the counterpart always (its own row reports it); the
    /// row is charged the live run's cost, not the counterpart's.
    @Test func aRowThatNeverStopsIsChargedTheLiveRunsCost() throws {
        let yaml = """
            experiment: never-stops
            task: {name: embedded, max_length: 40, embedded: {train_size: 120, validation_size: 30, ood_dev_size: 30, ood_test_size: 30}}
            seeds: [0, 1, 2]
            models:
              tiny: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 3e-3}
            training: {max_steps: 24, batch_size: 16, eval_interval: 4}
            methods:
              - {label: "ERM", method: erm, model: tiny}
              - {label: "ERM(ES)", method: erm_es, model: tiny, patience: 5}
            """
        func results(_ mode: EarlyStoppingRows) throws -> ExperimentResults {
            let directory = try PackagePaths.temporaryDirectory("ftft-post-hoc-\(mode.rawValue)")
            var spec = try ExperimentSpec.parse(yaml: yaml, file: "never-stops.yaml", baseDirectory: directory.path, environment: [:])
            spec.training.earlyStopping = mode
            let runner = try ExperimentRunner(spec: spec, outputDirectory: directory.path)
            runner.kernelPath = .reference
            let manifest = try runner.run()
            return try ExperimentResults.load(manifest: manifest, store: runner.store, directory: runner.directory)
        }
        let live = try results(.live), post = try results(.postHoc)
        let liveRows = try #require(live.methods.last?.seeds), postRows = try #require(post.methods.last?.seeds)
        var lastIsNotBest = 0
        for (a, b) in zip(postRows, liveRows) {
            #expect(a.checkpointsTrained == 6 && b.checkpointsTrained == 6)
            #expect(a.checkpoints == b.checkpoints && a.reported == b.reported, "seed \(a.seed)")
            #expect(a.main.countedEvaluationFLOPs == b.main.countedEvaluationFLOPs, "seed \(a.seed)")
            #expect(a.main.evaluationTokensWithPadding == b.main.evaluationTokensWithPadding, "seed \(a.seed)")
            if a.reported.checkpoint < 6 { lastIsNotBest += 1 }
        }
        #expect(lastIsNotBest > 0)   // the case this test is about occurs
    }

    /// A counterpart recorded without the post-hoc records (here: by a live experiment) is not read post hoc:
    /// the row runs live (here reused, as the live run is in the store), in `run()` and in the plan.
    @Test func aCounterpartWithoutTheRecordsLeavesTheRowLive() throws {
        let directory = try PackagePaths.temporaryDirectory("ftft-post-hoc-fallback")
        let yaml = """
            experiment: fallback
            task: {name: embedded, max_length: 40, embedded: {train_size: 120, validation_size: 30, ood_dev_size: 30, ood_test_size: 30}}
            seeds: [0]
            models:
              tiny: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 3e-3}
            training: {max_steps: 24, batch_size: 16, eval_interval: 4}
            methods:
              - {label: "ERM", method: erm, model: tiny}
              - {label: "ERM(ES)", method: erm_es, model: tiny, patience: 1}
            """
        func run(_ mode: EarlyStoppingRows) throws -> (ExperimentRunner, ExperimentManifest, Int) {
            var spec = try ExperimentSpec.parse(yaml: yaml, file: "fallback.yaml", baseDirectory: directory.path, environment: [:])
            spec.training.earlyStopping = mode
            final class Count: @unchecked Sendable { var started = 0 }
            let count = Count()
            let runner = try ExperimentRunner(spec: spec, outputDirectory: directory.path) { event in
                if case .phaseStarted = event { count.started += 1 }
            }
            runner.kernelPath = .reference
            return (runner, try runner.run(), count.started)
        }
        let (_, liveManifest, liveStarted) = try run(.live)
        #expect(liveStarted == 2)
        let (runner, manifest, started) = try run(.postHoc)
        #expect(started == 0)
        let entry = try #require(manifest.entry(label: "ERM(ES)", seed: 0))
        #expect(entry.postHocDerived == nil && entry == liveManifest.entry(label: "ERM(ES)", seed: 0))
        let erm = try #require(manifest.entry(label: "ERM", seed: 0))
        #expect(try RunResults.postHocReading(store: runner.store, run: RunID(erm.mainRun), patience: 1,
                                              task: runner.spec.task.definition()) == nil)
        let plan = try runner.experimentPlan()
        #expect(plan.runs.count == 2 && plan.rows.allSatisfy { $0.postHocDerived == nil })
    }
}

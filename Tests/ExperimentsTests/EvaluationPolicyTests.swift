import Foundation
import Testing
import FTFTData
import FTFTStore
import FTFTTestSupport
@testable import FTFTExperiments

/// The evaluation policies (issue 12): `reported` evaluates the non-stopping sets only where a checkpoint can be
/// reported and must give the same reported numbers as `every_checkpoint`, on every method of the pipeline
/// test's experiment (seed 0, compared with `PipelineTests`' run under the default `reported`).
struct EvaluationPolicyTests {
    static let yaml = PipelineTests.yaml
        .replacingOccurrences(of: "seeds: [0, 1]", with: "seeds: [0]")
        .replacingOccurrences(of: "eval_interval: 6}", with: "eval_interval: 6, evaluation: every_checkpoint}")

    struct Fixture: @unchecked Sendable {
        let directory: URL
        let runner: ExperimentRunner
        let results: ExperimentResults
    }

    static let everyCheckpoint: Result<Fixture, Error> = Result {
        let directory = try PackagePaths.temporaryDirectory("ftft-policy")
        let spec = try ExperimentSpec.parse(yaml: yaml, file: "policy-test.yaml", baseDirectory: directory.path, environment: [:])
        let runner = try ExperimentRunner(spec: spec, outputDirectory: directory.path)
        runner.kernelPath = .reference
        let manifest = try runner.run()
        return Fixture(directory: directory, runner: runner,
                       results: try ExperimentResults.load(manifest: manifest, store: runner.store, directory: runner.directory))
    }

    @Test func everyReportedCellIsTheSameUnderBothPolicies() throws {
        let every = try Self.everyCheckpoint.get(), reported = try PipelineTests.fixture.get()
        #expect(every.runner.spec.training.evaluation == .everyCheckpoint && reported.spec.training.evaluation == .reported)
        for m in every.results.methods {
            let a = try #require(m.seeds.first { $0.seed == 0 })
            let b = try #require(reported.results.methods.first { $0.method.label == m.method.label }?.seeds.first { $0.seed == 0 })
            #expect(a.reported == b.reported, "\(m.method.label)")
            #expect(a.mainSteps == b.mainSteps && a.checkpointsTrained == b.checkpointsTrained, "\(m.method.label)")
            #expect(a.countedCompute == b.countedCompute && a.main.countedTrainingFLOPs == b.main.countedTrainingFLOPs)
            #expect(a.postHoc?.best == b.postHoc?.best && a.postHoc?.trained == b.postHoc?.trained, "\(m.method.label)")
            // The reported checkpoint holds every set under both policies.
            let all = Set(reported.results.task.allSets.dropFirst().map(\.name))
            #expect(Set(b.reported.dev.keys).union(b.reported.test.keys) == all, "\(m.method.label)")
        }
    }

    @Test func reportedEvaluatesTheOtherSetsOnlyWhereACheckpointCanBeReported() throws {
        let every = try Self.everyCheckpoint.get(), reported = try PipelineTests.fixture.get()
        let task = reported.results.task
        let others = Set([task.validation.name] + task.oodTest.map(\.name)), stopping = Set(task.oodDev.map(\.name))
        // The full-length runs an early-stopped row is checked against post hoc keep their criterion curve; the
        // other full-length runs are evaluated at their last checkpoint only (every set, once).
        let counterparts = Set(reported.manifest.entries.compactMap(\.postHocRun))
        var lastOnly = 0
        for (m, mEvery) in zip(reported.results.methods, every.results.methods) {
            for s in m.seeds where s.seed == 0 && !m.method.isEarlyStopped && !counterparts.contains(s.mainRun.rawValue) {
                let expected = try #require(mEvery.seeds.first { $0.seed == s.seed }).checkpoints.count
                #expect(s.checkpoints.count == 1 && s.checkpointsTrained == expected && expected > 1, "\(m.method.label)")
                #expect(s.checkpoints.first.map { Set($0.dev.keys).union($0.test.keys) } == others.union(stopping))
                #expect(s.checkpoints.first?.checkpoint == expected, "\(m.method.label)")
                lastOnly += 1
            }
        }
        #expect(lastOnly >= 4)   // ERM tiny, DM exact, Random DM, Random DM exact (seed 0)
        for (m, mEvery) in zip(reported.results.methods, every.results.methods) {
            for s in m.seeds where m.method.isEarlyStopped || counterparts.contains(s.mainRun.rawValue) {
                var best = -Double.infinity
                for (i, c) in s.checkpoints.enumerated() {
                    #expect(Set(c.dev.keys).isSuperset(of: stopping))
                    let isLast = i == s.checkpoints.count - 1
                    let newBest = c.criterion > best
                    best = max(best, c.criterion)
                    let reportable = m.method.isEarlyStopped ? newBest : isLast
                    let present = Set(c.dev.keys).union(c.test.keys).intersection(others)
                    #expect(present == (reportable ? others : []), "\(m.method.label) seed \(s.seed) checkpoint \(c.checkpoint)")
                }
            }
            // Under every_checkpoint, every set at every checkpoint, and evaluation costs more.
            for s in mEvery.seeds {
                for c in s.checkpoints { #expect(Set(c.dev.keys).union(c.test.keys) == others.union(stopping)) }
                let r = try #require(m.seeds.first { $0.seed == s.seed })
                if s.checkpoints.count > 1 { #expect(r.main.countedEvaluationFLOPs < s.main.countedEvaluationFLOPs) }
                let split = try #require(RunTimeSplit(r.main))
                #expect(split.evaluationTokensWithPadding < (RunTimeSplit(s.main)?.evaluationTokensWithPadding ?? 0))
            }
        }
    }

    /// A run recorded under every_checkpoint serves a `reported` experiment; a `reported` run cannot serve an
    /// every_checkpoint one (its learning curves are incomplete): it is trained again in place.
    @Test func reuseRespectsWhatARunRecorded() throws {
        let every = try Self.everyCheckpoint.get(), reported = try PipelineTests.fixture.get()
        var spec = every.runner.spec
        spec.training.evaluation = .reported
        final class Log: @unchecked Sendable { var started = 0, reused = 0 }
        let log = Log()
        let again = try ExperimentRunner(spec: spec, outputDirectory: every.directory.path) { event in
            if case .phaseStarted = event { log.started += 1 }
            if case .phaseReused = event { log.reused += 1 }
        }
        again.kernelPath = .reference   // part of a run's identity, as the fixture's
        _ = try again.run()
        #expect(log.started == 0 && log.reused > 0)

        let runs = try reported.runner.store.runs(experiment: "pipeline-test")
        let erm = try #require(runs.first { $0.method == .erm && $0.model == "large" && $0.seed == 0 })
        #expect(PhaseRunner.policy(of: erm) == .reported)
        #expect(try reported.runner.phaseRunner.finishedRun(sha: erm.configurationSHA256, policy: .reported)?.id == erm.id)
        #expect(try reported.runner.phaseRunner.finishedRun(sha: erm.configurationSHA256, policy: .everyCheckpoint) == nil)
        #expect(try reported.runner.phaseRunner.runToContinue(sha: erm.configurationSHA256, policy: .everyCheckpoint)?.run.id == erm.id)
        let recorded = try #require(try every.runner.store.runs(experiment: "pipeline-test").first)
        #expect(PhaseRunner.policy(of: recorded) == .everyCheckpoint)
        // A run recorded before the policy existed evaluated everything.
        var legacy = recorded
        legacy.provenanceJSON = "{\"threads\": 1}"
        #expect(PhaseRunner.policy(of: legacy) == .everyCheckpoint)
    }

    /// Asking for every_checkpoint where the store holds the run recorded under `reported` trains that run again,
    /// in place: the same id, the same dynamics bit for bit, the same reported cell, and now every set at every
    /// checkpoint.
    @Test func aReportedRunIsTrainedAgainInPlaceForLearningCurves() throws {
        let directory = try PackagePaths.temporaryDirectory("ftft-policy-upgrade")
        let yaml = """
            experiment: upgrade
            task: {name: embedded, max_length: 40, embedded: {train_size: 120, validation_size: 30, ood_dev_size: 30, ood_test_size: 30}}
            seeds: [0]
            models:
              tiny: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 3e-3}
            training: {max_steps: 16, batch_size: 16, eval_interval: 4}
            methods:
              - {label: "ERM", method: erm, model: tiny}
            """
        func run(_ policy: EvaluationPolicy) throws -> (ExperimentRunner, ExperimentResults, Int) {
            var spec = try ExperimentSpec.parse(yaml: yaml, file: "upgrade.yaml", baseDirectory: directory.path, environment: [:])
            spec.training.evaluation = policy
            final class Count: @unchecked Sendable { var started = 0 }
            let count = Count()
            let runner = try ExperimentRunner(spec: spec, outputDirectory: directory.path) { event in
                if case .phaseStarted = event { count.started += 1 }
            }
            runner.kernelPath = .reference
            let manifest = try runner.run()
            return (runner, try ExperimentResults.load(manifest: manifest, store: runner.store, directory: runner.directory), count.started)
        }
        let (first, before, _) = try run(.reported)
        let run0 = try #require(before.runs.first).run
        let dynamicsBefore = try first.store.dynamics(run: run0)
        let (second, after, started) = try run(.everyCheckpoint)
        #expect(started == 1)
        let stored = try second.store.runs(experiment: "upgrade")
        #expect(after.runs.map(\.run) == [run0] && stored.count == 1)
        #expect(PhaseRunner.policy(of: try second.store.run(run0)) == .everyCheckpoint)
        #expect(try second.store.dynamics(run: run0) == dynamicsBefore)
        let a = try #require(before.methods.first?.seeds.first), b = try #require(after.methods.first?.seeds.first)
        #expect(a.reported == b.reported && b.checkpoints.count == 4)
        #expect(b.checkpoints.allSatisfy { $0.dev.count == 2 && $0.test.count == 1 })
        #expect(a.checkpoints.filter { !$0.test.isEmpty }.count == 1)
        // And back: the every_checkpoint run now serves `reported` as it is.
        let (_, _, startedAgain) = try run(.reported)
        #expect(startedAgain == 0)
    }
}

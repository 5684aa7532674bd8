import Foundation
import Testing
import FTFTStore
import FTFTTestSupport
@testable import FTFTExperiments

/// A run interrupted after a checkpoint resumes from it and ends bit-identical to an uninterrupted run:
/// evaluations, training dynamics (including the epoch that was half done at the interruption), compute.
struct ResumeTests {
    static let yaml = """
        experiment: resume-test
        task: {name: embedded, max_length: 40, embedded: {train_size: 100, validation_size: 30, ood_dev_size: 30, ood_test_size: 30}}
        seeds: [3]
        models:
          m: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 3e-3}
        training: {max_steps: 21, batch_size: 16, eval_interval: 5}
        methods:
          - {label: "ERM", method: erm, model: m}
        """

    static func runner(_ directory: URL, interruptAfter step: Int? = nil) throws -> ExperimentRunner {
        let spec = try ExperimentSpec.parse(yaml: yaml, file: "resume.yaml", baseDirectory: directory.path, environment: [:])
        let runner = try ExperimentRunner(spec: spec, outputDirectory: directory.path)
        runner.kernelPath = .reference
        runner.interruptAfterStep = step
        return runner
    }

    @Test func anInterruptedRunResumesBitIdentically() throws {
        let directory = try PackagePaths.temporaryDirectory("ftft-resume")
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = try Self.runner(directory.appendingPathComponent("plain")).run()
        let reference = try Self.runner(directory.appendingPathComponent("plain"))
        let interruptedFolder = directory.appendingPathComponent("interrupted")
        // Interrupted after the checkpoint at step 10: 3 of the 7 batches of epoch 1 are done, so the
        // checkpoint carries half an epoch of dynamics.
        #expect(throws: PipelineInterruption.self) { try Self.runner(interruptedFolder, interruptAfter: 10).run() }
        let resumedRunner = try Self.runner(interruptedFolder)
        let store = resumedRunner.store
        let run = try #require(try store.runs(experiment: "resume-test").first)
        #expect(run.status == .failed)
        #expect(try RunResults.compute(store: store, run: run.id).steps == 10)
        let resumed = try resumedRunner.run()
        #expect(resumed.entries.map(\.mainRun) == [run.id.rawValue])
        #expect(try store.run(run.id).status == .finished)

        let a = RunID(try #require(plain.entries.first).mainRun), b = run.id
        let evaluationsA = try reference.store.evaluations(run: a), evaluationsB = try store.evaluations(run: b)
        #expect(evaluationsA.map { [$0.step, $0.checkpoint] } == evaluationsB.map { [$0.step, $0.checkpoint] })
        #expect(evaluationsA.map(\.exactValue) == evaluationsB.map(\.exactValue))
        for e in evaluationsA {
            let la = try reference.store.evaluationLogits(run: a, step: e.step, split: e.split, dataset: e.dataset)
            let lb = try store.evaluationLogits(run: b, step: e.step, split: e.split, dataset: e.dataset)
            #expect(la == lb && la != nil, "logits of \(e.dataset) at step \(e.step)")
        }
        let dynamicsA = try reference.store.dynamics(run: a), dynamicsB = try store.dynamics(run: b)
        #expect(dynamicsA.epochs == [0, 1, 2] && dynamicsA == dynamicsB)
        let ledgerA = try RunResults.compute(store: reference.store, run: a), ledgerB = try RunResults.compute(store: store, run: b)
        #expect(ledgerA.countedTrainingFLOPs == ledgerB.countedTrainingFLOPs && ledgerA.preciseTrainingFLOPs == ledgerB.preciseTrainingFLOPs)
        #expect(ledgerA.tokensWithPadding == ledgerB.tokensWithPadding && ledgerA.steps == 21 && ledgerB.steps == 21)
        #expect(ledgerA.countedEvaluationFLOPs == ledgerB.countedEvaluationFLOPs)
    }
}

/// The engine's default fused kernels count exactly the architecture's GEMM FLOPs too (the pipeline tests use the
/// reference kernels for speed in debug builds).
struct FusedLedgerTests {
    @Test func countedEqualsPreciseOnTheFusedPath() throws {
        let directory = try PackagePaths.temporaryDirectory("ftft-fused-ledger")
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = ResumeTests.yaml.replacingOccurrences(of: "max_steps: 21, batch_size: 16, eval_interval: 5",
                                                         with: "max_steps: 8, batch_size: 16, eval_interval: 8")
        let spec = try ExperimentSpec.parse(yaml: yaml, file: "fused.yaml", baseDirectory: directory.path, environment: [:])
        let runner = try ExperimentRunner(spec: spec, outputDirectory: directory.path)
        #expect(runner.kernelPath == .fused)
        let manifest = try runner.run()
        let entry = try RunResults.compute(store: runner.store, run: RunID(try #require(manifest.entries.first).mainRun))
        #expect(entry.steps == 8 && entry.countedTrainingFLOPs == entry.preciseTrainingFLOPs && entry.countedTrainingFLOPs > 0)
    }
}

import Foundation
import Testing
import FTFTExperiments
import FTFTStore
import FTFTTraining
@testable import FTFTCommandLine

/// The progress printer's styles, fed events directly (the binary tests in WorkflowTests cover real runs).
struct ProgressPrinterTests {
    final class Collector: @unchecked Sendable {
        var text = ""
        func write(_ piece: String) { text += piece }
    }

    static let phase = PhaseDescription(title: "FTFT tiny→large", seed: 1, model: "large", role: .main, maxSteps: 10,
                                        trainingExamples: 99, batchSize: 8)

    static func progress(_ step: Int) -> TrainingProgress {
        TrainingProgress(completedSteps: step, maxSteps: 10, epoch: 0, loss: 0.5, meanLoss: 0.5, learningRate: 1e-3,
                         trainingWallSeconds: Double(step), evaluationWallSeconds: 0, trainingFLOPs: 0)
    }

    static func evaluation(stopping: Bool) -> CheckpointEvaluation {
        var monitor = EarlyStopping(patience: 1)
        monitor.observe(0.7)
        if stopping { monitor.observe(0.6) }
        return CheckpointEvaluation(
            step: 5, checkpoint: stopping ? 2 : 1,
            results: [EvaluationResult(dataset: "val", split: .dev, metric: "accuracy", exactValue: 0.9, exampleCount: 3),
                      EvaluationResult(dataset: "ood", split: .dev, metric: "macro_f1", exactValue: 0.6, exampleCount: 3)],
            criterion: stopping ? 0.6 : 0.7, earlyStopping: monitor)
    }

    static func feed(_ printer: ProgressPrinter) {
        printer.handle(.phaseStarted(phase, run: RunID(4), resumedAtStep: nil))
        for step in 1...5 { printer.handle(.step(phase, progress(step))) }
        printer.handle(.evaluating(phase, step: 5, set: "val", index: 0, count: 2))
        printer.handle(.evaluating(phase, step: 5, set: "ood", index: 1, count: 2))
        printer.handle(.evaluated(phase, evaluation(stopping: true)))
        printer.handle(.note("a note"))
        printer.handle(.phaseFinished(phase, run: RunID(4), steps: 5, stoppedEarly: true, trainingWallSeconds: 5))
        printer.finish()
    }

    @Test func theLiveLineSaysWhichSetIsBeingEvaluatedAndPermanentLinesReplaceIt() {
        let out = Collector()
        Self.feed(ProgressPrinter(style: .live, write: out.write))
        #expect(out.text.contains("FTFT tiny→large (seed 1): training, 99 examples, run 4\n"))
        #expect(out.text.contains("\r\u{1B}[KFTFT tiny→large (seed 1): step 5/10  evaluating set 2/2 (ood)"))
        #expect(out.text.contains("\u{1B}[Ka note\n") && out.text.contains("done, 5 steps, stopped early"))
        // Evaluation results are not printed as permanent lines on a terminal; the live line shows the criterion.
        #expect(!out.text.contains("evaluation 2 at step"))
        #expect(out.text.hasSuffix("\n"))
    }

    @Test func plainLinesRespectTheInterval() {
        let out = Collector()
        Self.feed(ProgressPrinter(style: .lines, interval: 3600, write: out.write, now: { Date(timeIntervalSince1970: 0) }))
        let lines = out.text.split(separator: "\n").map(String.init)
        #expect(lines == [
            "1970-01-01T00:00:00Z FTFT tiny→large (seed 1): training, 99 examples, run 4",
            "1970-01-01T00:00:00Z FTFT tiny→large (seed 1): evaluation 2 at step 5/10: val accuracy 0.9000, ood macro_f1 0.6000; OOD-dev mean 0.6000, best 0.7000 at evaluation 1, 1/1 without improvement: stopping early",
            "1970-01-01T00:00:00Z a note",
            "1970-01-01T00:00:00Z FTFT tiny→large (seed 1): done, 5 steps, stopped early, 5s training",
        ])
    }

    @Test func stepLinesAverageTheLossSinceThePreviousLine() throws {
        let out = Collector()
        let printer = ProgressPrinter(style: .json, interval: 0, write: out.write)
        printer.handle(.phaseStarted(Self.phase, run: RunID(4), resumedAtStep: nil))
        printer.handle(.step(Self.phase, Self.progress(1)))
        let line = try #require(out.text.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["event"] as? String == "step" && object["examples_per_second"] as? Double == 8)
        #expect(object["eta_seconds"] as? Double == 9 && object["loss"] as? Double == 0.5 && object["run"] as? Int == 4)
    }

    @Test func quietShowsOnlyNotes() {
        let out = Collector()
        Self.feed(ProgressPrinter(style: .quiet, write: out.write))
        #expect(out.text == "a note\n")
    }
}

import Foundation
import Testing
import FTFTTestSupport

/// Progress and log lines of a training command when stderr is not a terminal (a file here, as nohup, `| tee`
/// or a Slurm job's log): plain timestamped lines, JSON with --log-format json, nothing with --quiet.
struct ProgressLogTests {
    /// A tiny `ftft train` (embedded task, 120 examples, 12 steps, evaluation every 6, ERM(ES) with patience 1).
    static func train(_ extra: [String], in folder: URL) throws -> FTFTBinary.Outcome {
        try FTFTBinary.run(["train", "--scratch", "1,16,2,32", "--learning-rate", "3e-3", "--max-steps", "12",
                            "--eval-interval", "6", "--batch-size", "16", "--patience", "1", "--train-limit", "120",
                            "--eval-limit", "30", "--max-length", "40", "--threads", "1", "--output", "runs"] + extra,
                           in: folder)
    }

    static var timestamp: Regex<Substring> { #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /# }

    @Test func plainLinesPerStepAndPerEvaluationWhenStderrIsAFile() throws {
        let folder = try PackagePaths.temporaryDirectory("ftft-log-plain")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try Self.train(["--log-interval", "0"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stderrLines
        // No terminal control characters in a log file.
        #expect(!outcome.stderr.contains("\r") && !outcome.stderr.contains("\u{1B}"))
        #expect(lines.allSatisfy { $0.contains(Self.timestamp) }, "\(lines)")
        // ERM(ES) is compared with the ERM run of its model (the compute unit), which trains first.
        #expect(lines.filter { $0.contains(#/ERM main \(seed 0\): training, 120 examples, run \w+$/#) }.count == 1, "\(lines)")
        #expect(lines.filter { $0.contains(#/ERM\(ES\) \(seed 0\): training, 120 examples, run \w+$/#) }.count == 1, "\(lines)")
        // --log-interval 0: a line per optimizer step, with loss, learning rate, examples/s and ETA.
        let steps = lines.filter { $0.contains(#/\): step \d+/12 epoch \d+  loss \d+\.\d{4}  lr \d\.\d\de[-+]\d\d  \d+ ex/s  elapsed \d+s  ETA \d+s$/#) }
        #expect(steps.count >= 12 + 6, "\(lines)")
        #expect(steps.first?.contains("step 1/12") == true)
        // One line per evaluation: the metric of each set evaluated, the OOD-dev mean, the early-stopping state.
        // Under the default `reported` policy every checkpoint evaluates the early-stopping set (OOD dev), and
        // the others only where the checkpoint is the best so far (the first always is; the second, without
        // improvement, is not).
        let evaluations = lines.filter { $0.contains("ERM(ES) (seed 0): evaluation ") }
        #expect(evaluations.count == 2, "\(lines)")
        for line in evaluations {
            for set in ["embedded_ood_dev accuracy", "OOD-dev mean", "without improvement"] {
                #expect(line.contains(set), "\(line)")
            }
            let best = line.contains("0/1 without improvement")
            for set in ["embedded_validation accuracy", "embedded_ood_test accuracy"] {
                #expect(line.contains(set) == best, "\(line)")
            }
        }
        #expect(evaluations.first?.contains("evaluation 1 at step 6/12: ") == true)
        #expect(lines.last?.contains("ERM(ES) (seed 0): done, ") == true, "\(lines)")
        // The results table is on stdout, not mixed into the log.
        #expect(outcome.stdout.contains("ERM(ES)") && !outcome.stdout.contains("evaluation 1"))
    }

    @Test func jsonLinesParseAndCarryTheSameFacts() throws {
        let folder = try PackagePaths.temporaryDirectory("ftft-log-json")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try Self.train(["--log-format", "json", "--log-interval", "0"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        var events: [String: Int] = [:]
        for line in outcome.stderrLines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            let event = try #require(object["event"] as? String)
            events[event, default: 0] += 1
            #expect((object["time"] as? String)?.contains(#/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/#) == true)
            switch event {
            case "step":
                for key in ["step", "max_steps", "loss", "learning_rate", "examples_per_second", "eta_seconds", "run", "seed"] {
                    #expect(object[key] != nil, "\(key) in \(line)")
                }
            case "evaluation" where object["title"] as? String == "ERM(ES)":
                // Every set at a best-so-far checkpoint (in the task's order), the OOD dev set alone otherwise.
                let metrics = try #require(object["metrics"] as? [[String: Any]])
                let best = object["without_improvement"] as? Int == 0
                #expect(metrics.map { $0["set"] as? String }
                        == (best ? ["embedded_validation", "embedded_ood_dev", "embedded_ood_test"] : ["embedded_ood_dev"]), "\(line)")
                #expect(metrics.allSatisfy { $0["metric"] as? String == "accuracy" && $0["value"] is Double })
                for key in ["criterion", "best_checkpoint", "best_criterion", "patience", "without_improvement", "stopping"] {
                    #expect(object[key] != nil, "\(key) in \(line)")
                }
            default: break
            }
        }
        #expect(events["phase_started"] == 2 && events["phase_finished"] == 2, "\(events)")
        #expect((events["step"] ?? 0) >= 18 && (events["evaluation"] ?? 0) >= 3, "\(events)")
    }

    @Test func quietWritesNothingOnStderrAndTheSameResults() throws {
        let folder = try PackagePaths.temporaryDirectory("ftft-log-quiet")
        defer { try? FileManager.default.removeItem(at: folder) }
        let quiet = try Self.train(["--quiet"], in: folder)
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        // Run again (reused from the store) with the default interval: a line per run saying so, the same table.
        let again = try Self.train([], in: folder)
        #expect(again.status == 0)
        #expect(again.stderrLines.count == 2 && again.stderr.contains(#/ERM\(ES\) \(seed 0\): reusing the finished run \w+ from the store/#),
                "\(again.stderr)")
        #expect(again.stdout == quiet.stdout)
    }

    @Test func threadsDefaultToSlurmsCPUsPerTask() throws {
        let folder = try PackagePaths.temporaryDirectory("ftft-threads")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try FTFTBinary.run(["train", "--help"], in: folder, environment: ["SLURM_CPUS_PER_TASK": "7"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("(default: 7)"), "\(outcome.stdout)")
        let demo = try FTFTBinary.run(["demo", "--help"], in: folder, environment: ["SLURM_CPUS_PER_TASK": "5"])
        #expect(demo.stdout.contains("(default: 5)"), "\(demo.stdout)")
    }
}

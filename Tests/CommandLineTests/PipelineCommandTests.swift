import Foundation
import Testing
import FTFTStore
import FTFTTensors
import FTFTTestSupport
import FTFTTraining
@testable import FTFTCommandLine
@testable import FTFTExperiments

/// `ftft run`, `ftft report`, `ftft tables`, `ftft train` and `ftft demo`, in-process: exit codes and the files
/// they write, on a tiny experiment (a few seconds in debug builds).
struct PipelineCommandTests {
    static let yaml = """
        experiment: cli-test
        task: {name: embedded, max_length: 40, embedded: {train_size: 120, validation_size: 30, ood_dev_size: 30, ood_test_size: 30}}
        seeds: [0]
        models:
          tiny:  {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 3e-3}
          large: {scratch: {layers: 1, hidden: 24, heads: 2, intermediate: 48}, learning_rate: 3e-3}
        training: {max_steps: 24, batch_size: 16, eval_interval: 6}
        methods:
          - {label: "ERM", method: erm, model: large}
          - {label: "DM", method: dm, reference: tiny, model: large}
          - {label: "FTFT", method: ftft, reference: tiny, model: large, patience: 2}
        """

    /// `--blas-kernel` / `blas_kernel`: the kernel this machine runs is accepted (no restart) and recorded in the
    /// report; one its CPU cannot run is refused — exit 64 from the option, 65 from the file — and nothing is
    /// written. (Tests never switch kernels: that restarts the process.)
    @Test func blasKernelPinsThisMachinesKernelAndRefusesOneItCannotRun() throws {
        let directory = try PackagePaths.temporaryDirectory("ftft-cli-kernel")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cpu = CPUFeatures.current
        let unrunnable = try #require(BLASKernel.requirements.first { !(BLASKernel.missingFeatures($0.name, on: cpu) ?? []).isEmpty }?.name)
        let file = directory.appendingPathComponent("cli-test.yaml").path
        try Self.yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let refused = directory.appendingPathComponent("refused").path
        #expect(runFTFT(["run", file, "--output", refused, "--blas-kernel", unrunnable]) == 64)
        #expect(runFTFT(["run", file, "--output", refused, "--blas-kernel", "NoSuchKernel"]) == 64)
        let pinnedInFile = directory.appendingPathComponent("pinned.yaml").path
        try (Self.yaml + "\nblas_kernel: \(unrunnable)\n").write(toFile: pinnedInFile, atomically: true, encoding: .utf8)
        #expect(runFTFT(["run", pinnedInFile, "--output", refused]) == 65)
        let unknownInFile = directory.appendingPathComponent("unknown.yaml").path
        try (Self.yaml + "\nblas_kernel: Zen9\n").write(toFile: unknownInFile, atomically: true, encoding: .utf8)
        #expect(runFTFT(["run", unknownInFile, "--output", refused]) == 65)
        #expect(!FileManager.default.fileExists(atPath: refused), "a refused kernel wrote \(refused)")
        // The machine's own kernel: runs, and the report and tables name the build and kernel.
        let output = directory.appendingPathComponent("runs").path
        #expect(runFTFT(["run", file, "--output", output, "--blas-kernel", BLASRuntime.coreName]) == 0)
        let experiment = directory.appendingPathComponent("runs/cli-test").path
        let report = try String(contentsOfFile: experiment + "/report.md", encoding: .utf8)
        #expect(report.contains("kernel \(BLASRuntime.coreName)") && report.contains(BLASRuntime.build))
        let tables = directory.appendingPathComponent("tables").path
        #expect(runFTFT(["tables", experiment, "--output", tables]) == 0)
        let perSeed = try String(contentsOfFile: tables + "/table_cli-test_per_seed.csv", encoding: .utf8)
        let (header, rows) = PaperTable.parseCSV(perSeed)
        #expect(rows.count == 3 && header.contains("blas_kernel") && header.contains("reported_logits_sha256"))
        let kernelColumn = try #require(header.firstIndex(of: "blas_kernel"))
        let fingerprintColumn = try #require(header.firstIndex(of: "reported_logits_sha256"))
        #expect(rows.allSatisfy { $0[kernelColumn] == BLASRuntime.coreName && $0[fingerprintColumn].count == 64 })
        // The transfer diagnostics of the reference run (tiny, seed 0): Table 4, Figure 1a, Figure 2.
        for name in ["table4_cli-test.csv", "figure1a_cli-test.csv", "figure1a_cli-test.svg", "figure1a_cli-test_summary.csv",
                     "figure2_cli-test.csv", "figure2_cli-test.svg"] {
            #expect(FileManager.default.fileExists(atPath: tables + "/" + name), "\(name)")
        }
        let easy = PaperTable.parseCSV(try String(contentsOfFile: tables + "/table4_cli-test.csv", encoding: .utf8))
        #expect(easy.rows.count == 1 && easy.rows[0][1] == "tiny" && easy.header.contains("embedded_easy_pct_q33"))
        // --verify (scripts/reproduce.sh): the same store verifies against its own table; a changed cell fails.
        let again = directory.appendingPathComponent("again").path
        #expect(runFTFT(["tables", experiment, "--output", again, "--verify", tables + "/table_cli-test_per_seed.csv"]) == 0)
        var changed = rows
        changed[1][fingerprintColumn] = String(repeating: "0", count: 64)
        let tampered = directory.appendingPathComponent("tampered.csv").path
        try PaperTable(name: "x", header: header, rows: changed).csv.write(toFile: tampered, atomically: true, encoding: .utf8)
        #expect(runFTFT(["tables", experiment, "--output", again, "--verify", tampered]) == 1)
        let comparison = try PerSeedComparison(committed: try String(contentsOfFile: tampered, encoding: .utf8),
                                               rerun: try String(contentsOfFile: again + "/table_cli-test_per_seed.csv", encoding: .utf8))
        #expect(comparison.differences.map(\.column) == ["reported_logits_sha256"] && comparison.report.contains("seed 0: 1 cell(s) differ"))
        // A rerun that lacks a seed's rows: that seed is reported missing, never "identical".
        let seedColumn = try #require(header.firstIndex(of: "seed"))
        var withSeed = rows
        for var row in rows { row[seedColumn] = "7"; withSeed.append(row) }
        let committedWithSeed = PaperTable(name: "x", header: header, rows: withSeed).csv
        let partial = try PerSeedComparison(committed: committedWithSeed,
                                            rerun: try String(contentsOfFile: again + "/table_cli-test_per_seed.csv", encoding: .utf8))
        #expect(!partial.identical && partial.report.contains("seed 7: \(rows.count) row(s) missing in the rerun")
                && !partial.report.contains("seed 7: identical") && partial.report.contains("seed 0: identical"), "\(partial.report)")
    }

    @Test func runReportAndTablesWriteTheirFilesAndExitZero() throws {
        let directory = try PackagePaths.temporaryDirectory("ftft-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("cli-test.yaml").path
        try Self.yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("runs").path
        #expect(runFTFT(["run", file, "--output", output, "--kernels", "reference"]) == 0)
        let experiment = directory.appendingPathComponent("runs/cli-test")
        for name in ["ftft.sqlite", "manifest.json", "experiment.json", "report.md", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: experiment.appendingPathComponent(name).path), "\(name)")
        }
        let html = try String(contentsOf: experiment.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("FTFT") && html.contains("data map"))
        let report = directory.appendingPathComponent("report.md").path
        #expect(runFTFT(["report", experiment.path, "--format", "markdown", "--output", report]) == 0)
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains("| FTFT |"))
        let tables = directory.appendingPathComponent("tables").path
        #expect(runFTFT(["tables", experiment.path, "--output", tables, "--published",
                         PackagePaths.root.appendingPathComponent("paper-tables/published").path]) == 0)
        #expect(FileManager.default.fileExists(atPath: tables + "/table_cli-test.csv"))
        #expect(FileManager.default.fileExists(atPath: tables + "/table_cli-test.md"))
        // ftft datamap / select on a run of the store: the DM's selection again, from its reference run.
        let manifest = try ExperimentManifest.read(directory: experiment.path)
        let dm = try #require(manifest.entry(label: "DM", seed: 0))
        let reference = try #require(dm.referenceRun)
        let ids = directory.appendingPathComponent("ids.txt").path
        #expect(runFTFT(["select", "--store", experiment.path, "--run", "\(reference)", "--mode", "ambiguous", "--rate", "0.33",
                         "--rule", "ftft", "--ddof", "1", "--out", ids]) == 0)
        #expect(try String(contentsOfFile: ids, encoding: .utf8).split(separator: "\n").count == dm.selectedCount)
        let map = directory.appendingPathComponent("map").path
        #expect(runFTFT(["datamap", "--store", experiment.path, "--run", "\(reference)", "--out", map]) == 0)
        #expect(try String(contentsOfFile: map + "/data_map_coordinates.jsonl", encoding: .utf8).split(separator: "\n").count == 120)
        #expect(runFTFT(["select", "--store", experiment.path, "--mode", "ambiguous", "--rate", "0.33", "--out", ids]) == FTFTExitCode.usage)
        // Usage errors (64) and bad input (65).
        #expect(runFTFT(["report", experiment.path, "--format", "pdf"]) == FTFTExitCode.usage)
        #expect(runFTFT(["run"]) == FTFTExitCode.usage)
        #expect(runFTFT(["report", directory.path]) == FTFTExitCode.failure)   // no store there
    }

    @Test func invalidExperimentFilesExitWithTheInputCodeBeforeTraining() throws {
        let directory = try PackagePaths.temporaryDirectory("ftft-cli-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("runs").path
        for (name, text) in [
            ("unknown-key", Self.yaml + "\nthreadz: 2"),
            ("bad-patience", Self.yaml.replacingOccurrences(of: "patience: 2", with: "patience: 0")),
            ("bad-rate", Self.yaml.replacingOccurrences(of: "model: large}\n  - {label: \"FTFT\"", with: "model: large, rate: 2}\n  - {label: \"FTFT\"")),
            ("missing-model", Self.yaml.replacingOccurrences(of: "tiny:  {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}", with: "tiny:  {pretrained: nowhere")),
        ] {
            let file = directory.appendingPathComponent("\(name).yaml").path
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(runFTFT(["run", file, "--output", output]) == FTFTExitCode.badInput, "\(name)")
        }
        #expect(runFTFT(["run", directory.appendingPathComponent("absent.yaml").path, "--output", output]) == FTFTExitCode.badInput)
        // Nothing was trained: no experiment folder was created.
        #expect(!FileManager.default.fileExists(atPath: output + "/cli-test"))
    }

    @Test func trainBuildsAOneMethodExperiment() throws {
        let command = try TrainCommand.parse(["--scratch", "1,16,2,32", "--learning-rate", "3e-3", "--max-steps", "12",
                                              "--eval-interval", "6", "--patience", "1", "--seeds", "0,1", "--name", "t"])
        let spec = try ExperimentSpec.parse(yaml: command.yaml(), file: "train", baseDirectory: "/tmp", environment: [:])
        #expect(spec.methods.map(\.kind) == [.ermES] && spec.methods[0].patience == 1 && spec.seeds == [0, 1])
        #expect(spec.training.maxSteps == 12 && spec.models[0].learningRate == 3e-3)
        #expect(runFTFT(["train", "--learning-rate", "1e-3", "--max-steps", "5", "--eval-interval", "5"]) == FTFTExitCode.usage)
        // Batching and evaluation (issue 12) reach the experiment file; bad values are usage errors.
        let grouped = try TrainCommand.parse(["--scratch", "1,16,2,32", "--learning-rate", "3e-3", "--max-steps", "12",
                                              "--eval-interval", "6", "--batching", "length_grouped", "--mega-batch-mult", "4",
                                              "--evaluation", "every_checkpoint", "--eval-order", "data_set",
                                              "--eval-batch-size", "64", "--eval-batch-tokens", "0"])
        let groupedSpec = try ExperimentSpec.parse(yaml: grouped.yaml(), file: "train", baseDirectory: "/tmp", environment: [:])
        #expect(groupedSpec.training.batching == .lengthGrouped(megaBatchMult: 4) && groupedSpec.training.evaluation == .everyCheckpoint)
        #expect(groupedSpec.training.evaluationBatching == EvaluationBatching.ftft)
        #expect(spec.training.batching == .random && spec.training.evaluation == .reported && spec.training.evalOrder == .length)
        for bad in [["--batching", "sorted"], ["--mega-batch-mult", "4"], ["--evaluation", "best"], ["--eval-order", "random"],
                    ["--eval-batch-tokens", "0"]] {
            #expect(runFTFT(["train", "--scratch", "1,16,2,32", "--learning-rate", "1e-3", "--max-steps", "5",
                             "--eval-interval", "5"] + bad) == FTFTExitCode.usage, "\(bad)")
        }
        #expect(runFTFT(["run", "nowhere.yaml", "--evaluation", "sometimes"]) == FTFTExitCode.usage)
    }

    @Test func theBuiltInDemoIsTheCommittedExperimentFile() throws {
        let committed = try String(contentsOf: PackagePaths.root.appendingPathComponent("experiments/embedded-demo.yaml"), encoding: .utf8)
        #expect(committed == DemoExperiment.yaml + "\n")
        let spec = try DemoExperiment.spec()
        #expect(spec.name == "embedded-demo" && spec.methods.contains { $0.kind == .ftft } && spec.methods.contains { $0.kind == .randomDM })
    }
}

extension PipelineCommandTests {
    @Test func dryRunTrainsNothing() throws {
        let directory = try PackagePaths.temporaryDirectory("ftft-cli-dry")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("cli-test.yaml").path
        try Self.yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("runs").path
        #expect(runFTFT(["run", file, "--output", output, "--dry-run"]) == 0)
        #expect(!FileManager.default.fileExists(atPath: output + "/cli-test/manifest.json"))
        let store = try RunStore.open(directory: output + "/cli-test", access: .readOnly)
        #expect(try store.runs().isEmpty)
    }
}

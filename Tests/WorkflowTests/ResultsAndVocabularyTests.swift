import Foundation
import Testing
import FTFTTestSupport

/// Results a script can use and one command-line vocabulary, through the `ftft` binary: `ftft runs`, `ftft report
/// --format json|csv`, metric names in headers, text tables within 120 columns, one row per run configuration,
/// `--version`, suggestions for misspelt options and keys, errors of `ftft train` in terms of its flags, the old
/// spellings `--out` and `--vocab`, no partial output on failure, and `ftft run` on a saved experiment.json.
@Suite(.serialized) struct ResultsAndVocabularyTests {
    static let golden = PackagePaths.golden.appendingPathComponent("export")

    /// `ftft train` on golden/export's own CSV with six OOD test sets (a wide table).
    static func train(_ extra: [String], in folder: URL) throws -> FTFTBinary.Outcome {
        let data = golden.path
        var arguments = ["train", "--train-file", "\(data)/train.csv", "--text-field", "text", "--label-field", "label",
                         "--id-field", "id", "--ood-dev-file", "\(data)/ood.csv", "--scratch", "1,16,2,32",
                         "--tokenizer", "\(data)/vocab.txt", "--max-steps", "24", "--eval-interval", "8", "--batch-size", "32",
                         "--max-length", "32", "--threads", "1", "--output", "runs", "--quiet"]
        for name in ["first_test_set", "second_test_set", "third_test_set", "fourth_test_set", "fifth_test_set", "sixth_test_set"] {
            let link = folder.appendingPathComponent("\(name).csv")
            if !FileManager.default.fileExists(atPath: link.path) {
                try FileManager.default.copyItem(atPath: "\(data)/ood.csv", toPath: link.path)
            }
            arguments += ["--test-file", link.path]
        }
        return try FTFTBinary.run(arguments + extra, in: folder)
    }

    @Test func runsReportsAndOneRowPerConfiguration() throws {
        let folder = try PackagePaths.temporaryDirectory("ftft-results")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try Self.train(["--learning-rate", "3e-3"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        // Metric names in the headers, and every line of the text tables within 120 columns.
        #expect(first.stdout.contains("ID validation acc") && first.stdout.contains("OOD first_test_set acc")
                && first.stdout.contains("OOD avg acc"), "\(first.stdout)")
        for line in first.stdout.split(separator: "\n") { #expect(line.count <= 120, "\(line.count) columns: \(line)") }
        // A second `ftft train` in the same folder with another learning rate: both show, one row each.
        let second = try Self.train(["--learning-rate", "1e-3"], in: folder)
        #expect(second.status == 0, "\(second.stderr)")
        let experiment = folder.appendingPathComponent("runs/train").path
        let report = try FTFTBinary.run(["report", experiment], in: folder)
        #expect(report.status == 0)
        #expect(report.stdout.contains("Other runs in this store") && report.stdout.contains("learningRate 0.003"), "\(report.stdout)")

        // ftft runs: every run with its id, in text, JSON and CSV; the ids are what datamap --run takes.
        let text = try FTFTBinary.run(["runs", experiment], in: folder)
        #expect(text.status == 0 && text.stdout.contains(#/^id +method/#), "\(text.stdout)")
        let json = try FTFTBinary.run(["runs", experiment, "--format", "json"], in: folder)
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(runs.count == 2 && runs.allSatisfy { $0["status"] as? String == "finished" && $0["steps"] as? Int == 24 })
        #expect(runs.allSatisfy { $0["validation_metric"] as? String == "accuracy" && $0["criterion"] is Double })
        let csv = try FTFTBinary.run(["runs", folder.appendingPathComponent("runs").path, "--format", "csv"], in: folder)
        #expect(csv.stdout.split(separator: "\n").count == 3 && csv.stdout.hasPrefix("id,experiment,method,role"))
        let id = try #require(runs.first?["id"] as? Int64)
        let map = try FTFTBinary.run(["datamap", "--store", experiment, "--run", "\(id)", "--output", "map"], in: folder)
        #expect(map.status == 0, "\(map.stderr)")
        // The embedded-free own task has no Table 4 references: no "far below the paper's range" warning.
        #expect(!map.stderr.contains("warning"), "\(map.stderr)")

        // The report for scripts.
        let reportJSON = try FTFTBinary.run(["report", experiment, "--format", "json"], in: folder)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(reportJSON.stdout.utf8)) as? [String: Any])
        #expect(document["format"] as? String == "ftft-report-1" && document["experiment"] as? String == "train")
        let methods = try #require(document["methods"] as? [[String: Any]])
        let seed = try #require((methods.first?["seeds"] as? [[String: Any]])?.first)
        #expect(seed["validation"] is Double && seed["compute_counted"] as? Double == 100 && seed["main_steps"] as? Int == 24)
        // Every evaluation recorded: a lone full-length run under `reported` evaluates its last checkpoint only.
        #expect((seed["checkpoints"] as? [[String: Any]])?.count == 1 && seed["checkpoints_trained"] as? Int == 3, "\(seed)")
        #expect((document["other_runs"] as? [[String: Any]])?.count == 1)
        let reportCSV = try FTFTBinary.run(["report", experiment, "--format", "csv"], in: folder)
        let lines = reportCSV.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("experiment,method,kind,model,reference,seed,main_run"))
        #expect(lines[0].contains("validation_accuracy") && lines[0].contains("first_test_set_accuracy"))
        // The HTML report has the learning curves.
        let html = try FTFTBinary.run(["report", experiment, "--format", "html", "--output", "report.html"], in: folder)
        #expect(html.status == 0)
        let page = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("<h2>Learning curves</h2>") && page.contains("class=\"series\" data-name=\"first_test_set acc (test)\""))
    }

    @Test func theVocabularyIsOneAndTheOldSpellingsStillWork() throws {
        let folder = try PackagePaths.temporaryDirectory("ftft-vocabulary")
        defer { try? FileManager.default.removeItem(at: folder) }
        let version = try FTFTBinary.run(["--version"], in: folder)
        #expect(version.status == 0 && version.stdout.hasPrefix("ftft "), "\(version.stdout)")
        // A misspelt option: a suggestion and the usage exit code.
        let option = try FTFTBinary.run(["train", "--learnig-rate", "1e-3"], in: folder)
        #expect(option.status == 64 && option.stderr.contains("Did you mean '--learning-rate'?"), "\(option.stderr)")
        // ftft train's errors name its flags, not the experiment file it builds.
        let heads = try Self.train(["--learning-rate", "1e-3", "--scratch", "1,30,4,64"], in: folder)
        #expect(heads.status == 65 && heads.stderr.contains("ftft: error: --scratch: out of range: heads (4) must divide hidden (30)"),
                "\(heads.stderr)")
        #expect(!heads.stderr.contains("models.main"))
        let missing = try Self.train(["--learning-rate", "1e-3", "--validation-file", "absent.csv"], in: folder)
        #expect(missing.status == 65 && missing.stderr.contains("--validation-file:") && missing.stderr.contains("absent.csv does not exist"),
                "\(missing.stderr)")
        // A misspelt key in an experiment file, and a Hugging Face name.
        let yaml = """
            experiment: typo
            task: {name: embedded, max_length: 40}
            seeds: [0]
            models:
              m: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learnig_rate: 1e-3}
            training: {max_steps: 6, eval_interval: 3, warmup_ratio: 0.1}
            methods:
              - {method: erm, model: m}
            """
        try yaml.write(to: folder.appendingPathComponent("typo.yaml"), atomically: true, encoding: .utf8)
        let typo = try FTFTBinary.run(["run", "typo.yaml"], in: folder)
        #expect(typo.status == 65 && typo.stderr.contains("learnig_rate (line 5) is not a key; did you mean learning_rate?"), "\(typo.stderr)")
        try yaml.replacingOccurrences(of: "learnig_rate", with: "learning_rate").write(to: folder.appendingPathComponent("typo.yaml"), atomically: true, encoding: .utf8)
        let hf = try FTFTBinary.run(["run", "typo.yaml"], in: folder)
        #expect(hf.status == 65 && hf.stderr.contains("warmup_ratio: unknown key; did you mean warmup_rate?"), "\(hf.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs").path))

        // Old spellings: --out (datamap, select) and --vocab (tokenize) work as before and print nothing different.
        let source = PackagePaths.golden.appendingPathComponent("cartography/synthetic/e4c3").path
        let new = try FTFTBinary.run(["datamap", source, "--output", "a"], in: folder)
        let old = try FTFTBinary.run(["datamap", source, "--out", "b"], in: folder)
        #expect(new.status == 0 && old.status == 0, "\(new.stderr) \(old.stderr)")
        #expect(new.stdout.replacingOccurrences(of: "→ a", with: "→ X") == old.stdout.replacingOccurrences(of: "→ b", with: "→ X"))
        #expect(new.stderr == old.stderr)
        for name in ["data_map_coordinates.jsonl", "td_metrics.jsonl", "data_map.svg", "report.html"] {
            #expect(try Data(contentsOf: folder.appendingPathComponent("a/\(name)")) == (try Data(contentsOf: folder.appendingPathComponent("b/\(name)"))))
        }
        let selectNew = try FTFTBinary.run(["select", "a/data_map_coordinates.jsonl", "--mode", "ambiguous", "--rate", "0.33", "--output", "ids-a.txt"], in: folder)
        let selectOld = try FTFTBinary.run(["select", "a/data_map_coordinates.jsonl", "--mode", "ambiguous", "--rate", "0.33", "--out", "ids-b.txt"], in: folder)
        #expect(selectNew.status == 0 && selectOld.status == 0)
        #expect(try Data(contentsOf: folder.appendingPathComponent("ids-a.txt")) == (try Data(contentsOf: folder.appendingPathComponent("ids-b.txt"))))
        try "hello world\n".write(to: folder.appendingPathComponent("t.txt"), atomically: true, encoding: .utf8)
        let vocab = "\(Self.golden.path)/vocab.txt"
        let tokenizer = try FTFTBinary.run(["tokenize", "--tokenizer", vocab, "t.txt"], in: folder)
        let vocabulary = try FTFTBinary.run(["tokenize", "--vocab", vocab, "t.txt"], in: folder)
        #expect(tokenizer.status == 0 && tokenizer.stdout == vocabulary.stdout && tokenizer.stderr == vocabulary.stderr)
        #expect(!(try FTFTBinary.run(["datamap", "--help"], in: folder).stdout.contains("--out ")), "the old spelling is hidden")
        let both = try FTFTBinary.run(["datamap", source, "--out", "c", "--output", "d"], in: folder)
        #expect(both.status == 64 && both.stderr.contains("give --output once"))
    }

    @Test func failuresLeaveNoPartialOutputAndSavedExperimentsRunAgain() throws {
        let folder = try PackagePaths.temporaryDirectory("ftft-partial")
        defer { try? FileManager.default.removeItem(at: folder) }
        // One epoch only (192 examples, batch 32 → 6 steps): a data map is refused and nothing is written.
        let data = Self.golden.path
        let short = try FTFTBinary.run(["train", "--train-file", "\(data)/train.csv", "--text-field", "text", "--label-field", "label",
                                        "--id-field", "id", "--scratch", "1,16,2,32", "--tokenizer", "\(data)/vocab.txt",
                                        "--learning-rate", "1e-3", "--max-steps", "6", "--eval-interval", "6", "--batch-size", "32",
                                        "--max-length", "32", "--threads", "1", "--output", "runs", "--quiet"], in: folder)
        #expect(short.status == 0, "\(short.stderr)")
        let experiment = folder.appendingPathComponent("runs/train").path
        let runs = try FTFTBinary.run(["runs", experiment, "--format", "json"], in: folder)
        let id = try #require((try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? Int64)
        let oneEpoch = try FTFTBinary.run(["datamap", "--store", experiment, "--run", "\(id)", "--ddof", "1", "--output", "map"], in: folder)
        #expect(oneEpoch.status != 0, "\(oneEpoch.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("map").path), "a failed data map wrote files")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".map") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        // An id the store does not hold: said so, with the ids it does hold.
        let absent = try FTFTBinary.run(["datamap", "--store", experiment, "--run", "99", "--output", "map"], in: folder)
        #expect(absent.status == 65 && absent.stderr.contains("there is no run 99; its runs are \(id)"), "\(absent.stderr)")
        // The saved configuration runs again: everything is reused, the same table.
        let again = try FTFTBinary.run(["run", "\(experiment)/experiment.json", "--output", "runs"], in: folder)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("reusing the finished run") && again.stdout == short.stdout, "\(again.stderr)\n\(again.stdout)\n\(short.stdout)")
    }
}

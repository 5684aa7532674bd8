import ArgumentParser
import FTFTTestSupport
import Foundation
import Testing
@testable import FTFTCommandLine

#if canImport(Glibc)
import Glibc
#endif

/// The corpus cases an `ftft` command reads, run in-process: a non-zero exit status (65, bad input, for the
/// commands that report errors themselves), a message that names the file and the place, and nothing written
/// to the command's output folder. Serialized: commands that report their own errors print them on stderr,
/// which is captured by redirecting the process's file descriptor 2.
@Suite(.serialized) struct CommandCorpusTests {
    struct Outcome {
        let error: Error?
        let status: Int32
        /// The typed error's description, or what the command printed on stderr when it turned the error into
        /// an exit code itself.
        let message: String
    }

    static func runFTFT(_ arguments: [String], capturingIn scratch: URL) -> Outcome {
        let capture = scratch.appendingPathComponent("stderr.txt").path
        let fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let saved = dup(2)
        dup2(fd, 2)
        var thrown: Error?
        do {
            var command = try FTFTCommand.parseAsRoot(arguments)
            try command.run()
        } catch {
            thrown = error
        }
        dup2(saved, 2)
        close(saved)
        close(fd)
        let printed = (try? String(contentsOfFile: capture, encoding: .utf8)) ?? ""
        guard let thrown else { return Outcome(error: nil, status: 0, message: printed) }
        let status = FTFTCommand.exitCode(for: thrown).rawValue
        if thrown is ExitCode { return Outcome(error: thrown, status: status, message: printed) }
        return Outcome(error: thrown, status: status, message: FTFTCommand.message(for: thrown))
    }

    /// What the commands need besides the bad file: a vocabulary, texts, a data file and a model they accept.
    struct Workspace {
        let root: URL
        var output: URL { root.appendingPathComponent("out") }
        var vocabulary: String { root.appendingPathComponent("vocab.txt").path }
        var texts: String { root.appendingPathComponent("texts.txt").path }
        var data: String { root.appendingPathComponent("data.jsonl").path }
        /// golden/predict/tiny-bert: a 3-class BERT with its vocab.txt, made by golden/generate_predict.py.
        var model: String { PackagePaths.golden.appendingPathComponent("predict/tiny-bert").path }

        init() throws {
            root = try PackagePaths.temporaryDirectory("ftft-reliability-cli")
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            try "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n".write(toFile: vocabulary, atomically: true, encoding: .utf8)
            try "hello world\nhello\tworld\n".write(toFile: texts, atomically: true, encoding: .utf8)
            try #"{"text": "hello world", "label": "entailment"}"#.write(toFile: data, atomically: true, encoding: .utf8)
            for name in ["config.json", "model.safetensors", "vocab.txt"] {
                _ = try GoldenFixture.verifiedURL("predict/tiny-bert/\(name)")
            }
        }
    }

    /// The data-file options of `ftft predict` for a case's reader.
    static func formatArguments(_ c: Catalogue.Case, _ catalogue: Catalogue) -> [String] {
        switch c.reader {
        case "generic-jsonl", "generic-csv", "generic-tsv":
            let mapping = c.mapping ?? catalogue.defaultMapping
            var arguments = ["--format", String(c.reader?.dropFirst("generic-".count) ?? ""), "--text-field", mapping.text,
                             "--label-field", mapping.label,
                             "--label-names", (mapping.names ?? (0..<(mapping.indices ?? 0)).map(String.init)).joined(separator: ",")]
            if let pair = mapping.pair { arguments += ["--pair-field", pair] }
            if let id = mapping.id { arguments += ["--id-field", id] }
            return arguments
        case "dynahate": return ["--format", "dynahate-r2-original"]
        default: return ["--format", c.reader ?? ""]
        }
    }

    @Test("each case a command reads", arguments: Catalogue.commandCases)
    func commandRefuses(_ c: Catalogue.Case) throws {
        let catalogue = try #require(Catalogue.shared)
        guard let cli = c.cli else { return }
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(at: w.root) }
        var path = Catalogue.path(c.file)
        let outputFile = w.output.appendingPathComponent("result.txt").path
        let arguments: [String]
        switch cli.command {
        case "tokenize-vocab": arguments = ["tokenize", "--vocab", path, "--output", outputFile, w.texts]
        case "tokenize-input": arguments = ["tokenize", "--vocab", w.vocabulary, "--output", outputFile, path]
        case "datamap": arguments = ["datamap", path, "--out", w.output.appendingPathComponent("map").path]
        case "select": arguments = ["select", path, "--mode", "ambiguous", "--rate", "0.33", "--out", outputFile]
        case "run": arguments = ["run", path, "--output", w.output.path]
        case "predict-data":
            arguments = ["predict", "--model", w.model, "--data", path, "--output", outputFile] + Self.formatArguments(c, catalogue)
        case "predict-model":
            if c.reader == "pretrained" {
                let copy = w.root.appendingPathComponent("model")
                try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
                try CorpusReaders.preparePretrained(c, in: copy)
                path = copy.path
            }
            arguments = ["predict", "--model", path, "--data", w.data, "--format", "jsonl", "--text-field", "text",
                         "--label-field", "label", "--tokenizer", w.vocabulary, "--output", outputFile]
        default:
            Issue.record("\(c.file): unknown command kind '\(cli.command)'")
            return
        }

        let outcome = Self.runFTFT(arguments, capturingIn: w.root)
        let named = c.namedPath(caseAt: path)
        #expect(outcome.status != 0, "ftft \(arguments.joined(separator: " ")) exited 0")
        #expect(outcome.message.contains(named), "\(c.file) via \(cli.command): the message does not name \(named): \(outcome.message)")
        if outcome.error is ExitCode {
            // The command rendered the error itself: its documented bad-input status, and the message on stderr.
            #expect(outcome.status == FTFTExitCode.badInput, "\(c.file): exit status \(outcome.status), not \(FTFTExitCode.badInput)")
            if cli.place ?? true {
                if let line = c.line { #expect(outcome.message.contains("\(named):\(line)"), "\(c.file): no line \(line) in: \(outcome.message)") }
                for expected in [c.field, c.tensor].compactMap({ $0 }) + (c.mentions ?? []) {
                    #expect(outcome.message.contains(expected), "\(c.file): '\(expected)' missing from: \(outcome.message)")
                }
            }
        } else {
            BadInputCorpusTests.check(outcome.error, against: c, expectedError: cli.error ?? c.error, namedPath: named, via: cli.command)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: w.output.path)
        #expect(left.isEmpty, "\(c.file): a failed command left \(left) in its output folder")
    }
}

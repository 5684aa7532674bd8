import Foundation
import FTFTTestSupport
import Testing
@testable import FTFTCommandLine

/// `ftft tokenize`, run in-process (parse + run) on temporary files with a toy vocabulary whose ids are its line
/// numbers, so the expected ids follow from the vocabulary itself.
@Suite struct TokenizeCommandTests {
    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", ",", "!", "un", "##aff",
                             "##able", "cafe"]
    static func id(_ token: String) -> Int { vocabulary.firstIndex(of: token) ?? -1 }

    /// Runs `ftft <arguments>`; returns the exit status and the error message ArgumentParser would print.
    static func run(_ arguments: [String]) -> (status: Int32, message: String) {
        do {
            var command = try FTFTCommand.parseAsRoot(arguments)
            try command.run()
            return (0, "")
        } catch {
            return (FTFTCommand.exitCode(for: error).rawValue, FTFTCommand.message(for: error))
        }
    }

    struct Workspace {
        let directory: URL
        var vocab: String { directory.appendingPathComponent("vocab.txt").path }
        var input: String { directory.appendingPathComponent("input.txt").path }
        var output: String { directory.appendingPathComponent("out.jsonl").path }

        init(input: [UInt8]) throws {
            directory = try PackagePaths.temporaryDirectory("ftft-tokenize")
            try (TokenizeCommandTests.vocabulary.joined(separator: "\n") + "\n")
                .write(toFile: vocab, atomically: true, encoding: .utf8)
            try Data(input).write(to: URL(fileURLWithPath: self.input))
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }

        func outputLines() throws -> [[String: [Int]]] {
            try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map { line in
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [Int]] ?? [:]
            }
        }
    }

    @Test func encodesTextsAndPairsAsJSONLines() throws {
        let w = try Workspace(input: Array("Hello, World!\tunaffable\nCafé\n\n".utf8))
        defer { w.remove() }
        let (status, message) = Self.run(["tokenize", "--vocab", w.vocab, "--output", w.output, w.input])
        #expect(status == 0, "\(message)")
        let lines = try w.outputLines()
        try #require(lines.count == 3)
        let first = ["[CLS]", "hello", ",", "world", "!", "[SEP]", "un", "##aff", "##able", "[SEP]"].map(Self.id)
        #expect(lines[0]["input_ids"] == first)
        #expect(lines[0]["token_type_ids"] == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
        #expect(lines[0]["attention_mask"] == Array(repeating: 1, count: 10))
        #expect(lines[1]["input_ids"] == ["[CLS]", "cafe", "[SEP]"].map(Self.id))
        #expect(lines[2]["input_ids"] == ["[CLS]", "[SEP]"].map(Self.id))
    }

    @Test func truncatesAndPads() throws {
        let w = try Workspace(input: Array("hello world hello\tunaffable\n".utf8))
        defer { w.remove() }
        let (status, message) = Self.run(["tokenize", "--vocab", w.vocab, "--max-length", "6", "--pad-to", "8",
                                          "--output", w.output, w.input])
        #expect(status == 0, "\(message)")
        let lines = try w.outputLines()
        try #require(lines.count == 1)
        // 3 + 3 tokens for a budget of 6 − 3 = 3: the shorter keeps ⌊3/2⌋ = 1, the longer 2 (longest_first).
        let ids = ["[CLS]", "hello", "[SEP]", "un", "##aff", "[SEP]", "[PAD]", "[PAD]"].map(Self.id)
        #expect(lines[0]["input_ids"] == ids)
        #expect(lines[0]["token_type_ids"] == [0, 0, 0, 1, 1, 1, 0, 0])
        #expect(lines[0]["attention_mask"] == [1, 1, 1, 1, 1, 1, 0, 0])
    }

    @Test func badInputFailsWithFileAndLineAndWritesNothing() throws {
        let w = try Workspace(input: Array("hello\na\tb\tc\n".utf8))
        defer { w.remove() }
        let (status, message) = Self.run(["tokenize", "--vocab", w.vocab, "--output", w.output, w.input])
        #expect(status != 0)
        #expect(message.contains("input.txt:2"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: w.output), "a failed run must not leave a partial output")

        let invalid = try Workspace(input: [0x68, 0x69, 0x0A, 0xFF, 0xFE, 0x0A])

        defer { invalid.remove() }
        let result = Self.run(["tokenize", "--vocab", invalid.vocab, "--output", invalid.output, invalid.input])
        #expect(result.status != 0)
        #expect(result.message.contains("input.txt:2"), "\(result.message)")
    }

    @Test func badVocabularyAndOptionsFail() throws {
        let w = try Workspace(input: Array("hello\n".utf8))
        defer { w.remove() }
        let missing = Self.run(["tokenize", "--vocab", w.directory.appendingPathComponent("nope.txt").path, w.input])
        #expect(missing.status != 0)
        #expect(missing.message.contains("nope.txt"), "\(missing.message)")

        try "[PAD]\n[UNK]\n[CLS]\nhello\n[CLS]\n".write(toFile: w.vocab, atomically: true, encoding: .utf8)
        let duplicate = Self.run(["tokenize", "--vocab", w.vocab, w.input])
        #expect(duplicate.status != 0)
        #expect(duplicate.message.contains("vocab.txt:5"), "\(duplicate.message)")

        let tooShort = Self.run(["tokenize", "--vocab", w.vocab, "--max-length", "1", w.input])
        #expect(tooShort.status == 64, "a usage error (EX_USAGE), got \(tooShort.status): \(tooShort.message)")
    }
}

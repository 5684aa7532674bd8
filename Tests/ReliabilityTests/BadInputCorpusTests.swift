import FTFTEncoder
import FTFTTestSupport
import Foundation
import Testing
@testable import FTFTCommandLine

/// The catalogued bad-input corpus (Corpus/catalogue.json): every case through its parser and, where a command
/// reads that kind of file, through `ftft` in-process. Each must give the catalogued typed error, whose payload
/// and message name the file and the place (line, field or tensor), and must leave nothing written.
@Suite struct BadInputCorpusTests {
    /// The checks every refusal must pass, from the parser or from the command.
    static func check(_ error: Error?, against c: Catalogue.Case, expectedError: String, namedPath: String,
                      via: String) {
        guard let error else {
            Issue.record("\(c.file) via \(via): accepted, but must fail with \(expectedError) (\(c.why))")
            return
        }
        let anatomy = ErrorAnatomy(error)
        #expect(anatomy.identity == expectedError, "\(c.file) via \(via): \(anatomy.message)")
        #expect(anatomy.names(namedPath), "\(c.file) via \(via): the error does not carry \(namedPath): \(anatomy.payload)")
        #expect(anatomy.message.contains(namedPath), "\(c.file) via \(via): the message does not name the file: \(anatomy.message)")
        if let line = c.line {
            #expect(anatomy.value("line") == String(line), "\(c.file) via \(via): line \(anatomy.value("line") ?? "absent"), not \(line)")
            #expect(anatomy.message.contains("\(namedPath):\(line)"), "\(c.file) via \(via): the message does not say line \(line): \(anatomy.message)")
        }
        for (label, expected) in [("field", c.field), ("tensor", c.tensor)] {
            guard let expected else { continue }
            #expect(anatomy.value(label) == expected, "\(c.file) via \(via): \(label) is \(anatomy.value(label) ?? "absent")")
            #expect(anatomy.message.contains(expected), "\(c.file) via \(via): the message does not name the \(label): \(anatomy.message)")
        }
        for (label, expected) in c.payload ?? [:] {
            #expect(anatomy.value(label) == expected.description, "\(c.file) via \(via): \(label) is \(anatomy.value(label) ?? "absent"), not \(expected)")
        }
        for phrase in c.mentions ?? [] {
            #expect(anatomy.message.contains(phrase), "\(c.file) via \(via): the message lacks '\(phrase)': \(anatomy.message)")
        }
    }

    @Test("each case through its parser", arguments: Catalogue.readerCases)
    func parserRefuses(_ c: Catalogue.Case) throws {
        let catalogue = try #require(Catalogue.shared)
        guard let reader = c.reader else { return }
        if reader == "pretrained" {
            let folder = try PackagePaths.temporaryDirectory("ftft-reliability")
            defer { try? FileManager.default.removeItem(at: folder) }
            let (error, untouched) = try CorpusReaders.runPretrained(c, copyIn: folder)
            Self.check(error, against: c, expectedError: c.error, namedPath: c.namedPath(caseAt: folder.path), via: reader)
            #expect(untouched ?? true, "\(c.file): a refused load wrote into the model")
            return
        }
        if reader == "store" {
            let folder = try PackagePaths.temporaryDirectory("ftft-reliability")
            defer { try? FileManager.default.removeItem(at: folder) }
            let (readOnly, readWrite, unchanged) = try CorpusReaders.runStore(c, copyIn: folder)
            let named = c.namedPath(caseAt: folder.path)
            Self.check(readOnly, against: c, expectedError: c.error, namedPath: named, via: "store (read-only)")
            Self.check(readWrite, against: c, expectedError: c.error, namedPath: named, via: "store (read-write)")
            #expect(unchanged, "\(c.file): opening the damaged store changed or added files")
            return
        }
        let path = Catalogue.path(c.file)
        let mapping = (c.mapping ?? catalogue.defaultMapping).columnMapping
        let error = try CorpusReaders.run(reader, path: path, mapping: mapping)
        Self.check(error, against: c, expectedError: c.error, namedPath: c.namedPath(caseAt: path), via: reader)
        if reader == "safetensors" {
            // The in-memory entry point (used by the fuzz target) must refuse the bytes with the same error.
            let fromBytes = try CorpusReaders.safetensorsFromBytes(path: path)
            #expect((fromBytes as? EncoderError) == (error as? EncoderError), "\(c.file): bytes gave \(String(describing: fromBytes))")
        }
    }

    /// A vocabulary and an input that `ftft tokenize` accepts, for the side of a command case that is not bad.
    static let goodVocabulary = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n"
    static let goodInput = "hello world\nhello\tworld\n"

    @Test("each case a command reads: non-zero exit, the typed error, nothing written", arguments: Catalogue.commandCases)
    func commandRefuses(_ c: Catalogue.Case) throws {
        guard let cli = c.cli else { return }
        let folder = try PackagePaths.temporaryDirectory("ftft-reliability-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let vocabulary = folder.appendingPathComponent("vocab.txt").path, input = folder.appendingPathComponent("input.txt").path
        try Self.goodVocabulary.write(toFile: vocabulary, atomically: true, encoding: .utf8)
        try Self.goodInput.write(toFile: input, atomically: true, encoding: .utf8)
        let path = Catalogue.path(c.file)
        let outputFile = output.appendingPathComponent("encoded.jsonl").path
        let arguments: [String]
        switch cli.command {
        case "tokenize-vocab": arguments = ["tokenize", "--vocab", path, "--output", outputFile, input]
        case "tokenize-input": arguments = ["tokenize", "--vocab", vocabulary, "--output", outputFile, path]
        default:
            Issue.record("\(c.file): unknown command kind '\(cli.command)'")
            return
        }

        var thrown: Error?
        do {
            var command = try FTFTCommand.parseAsRoot(arguments)
            try command.run()
        } catch {
            thrown = error
        }
        let status = thrown.map { FTFTCommand.exitCode(for: $0).rawValue } ?? 0
        #expect(status != 0, "ftft \(arguments.joined(separator: " ")) exited 0")
        if let thrown {
            let message = FTFTCommand.message(for: thrown)
            #expect(message.contains(c.namedPath(caseAt: path)), "\(c.file): the command's message does not name the file: \(message)")
        }
        Self.check(thrown, against: c, expectedError: cli.error ?? c.error, namedPath: c.namedPath(caseAt: path), via: cli.command)
        let left = try FileManager.default.contentsOfDirectory(atPath: output.path)
        #expect(left.isEmpty, "\(c.file): a failed command left \(left) in its output folder")
    }
}

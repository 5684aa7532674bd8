import FTFTData
import Foundation
import Testing

/// The formats that have no file in ../shared, and the corners of the ones that do, on files written here.
struct ReaderFormatTests {
    @Test func officialMultiNLIJSONLSkipsDashLabels() throws {
        let files = try TestFiles()
        let path = try files.write("multinli_1.0_dev_matched.jsonl", """
            {"annotator_labels": ["neutral"], "genre": "slate", "gold_label": "neutral", "pairID": "63735n", "promptID": 63735, "sentence1": "a", "sentence2": "b"}
            {"gold_label": "-", "pairID": "2n", "sentence1": "c", "sentence2": "d"}

            {"gold_label": "contradiction", "pairID": "3c", "sentence1": "e", "sentence2": "f"}
            """)
        let set = try LabeledDataset.readMultiNLIJSONL(path: path)
        #expect(set.examples.map(\.id) == ["63735n", "3c"])
        #expect(set.labels == [1, 2])
        #expect(set.examples.map(\.line) == [1, 4])
        #expect(set.examples[0].metadata == ["genre": "slate", "promptID": "63735"])
        #expect(set.examples[1].text == "e" && set.examples[1].textPair == "f")
    }

    @Test func glueMultiNLIUsesColumnsZeroEightNineAndLast() throws {
        let header = ["index", "promptID", "pairID", "genre", "s1b", "s2b", "s1p", "s2p", "sentence1", "sentence2",
                      "label1", "gold_label"].joined(separator: "\t")
        let row = { (i: Int, label: String) in
            ["\(i)", "p", "q", "fiction", "x", "y", "z", "w", "prem \"\(i)\"", "hyp \(i)", label, label].joined(separator: "\t")
        }
        let files = try TestFiles()
        let path = try files.write("train.tsv", ([header, row(0, "entailment"), row(1, "contradiction")]).joined(separator: "\n") + "\n")
        let set = try LabeledDataset.readGLUEMultiNLI(path: path)
        #expect(set.examples.map(\.id) == ["0", "1"])
        #expect(set.labels == [0, 2])
        #expect(set.examples[0].text == "prem \"0\"")  // no quoting in TSV: quotes are text
        #expect(set.examples[1].textPair == "hyp 1")
        #expect(set.examples[1].metadata["genre"] == "fiction")
    }

    @Test func csvRecordsMaySpanLinesAndKeepTheirStartLine() throws {
        let files = try TestFiles()
        let path = try files.write("dh.csv", """
            acl.id,text,label,round
            a1,"one, two",hate,2a
            a2,"she said ""no""
            and left",nothate,2b

            a3,5'10" tall,hate,2a
            a4,"",nothate,2a
            """)
        let set = try LabeledDataset.readDynaHate(path: path)
        #expect(set.examples.map(\.id) == ["a1", "a2", "a3", "a4"])
        #expect(set.examples.map(\.text) == ["one, two", "she said \"no\"\nand left", "5'10\" tall", ""])
        #expect(set.examples.map(\.line) == [2, 3, 6, 7])
        #expect(set.labels == [1, 0, 1, 0])
        let original = try LabeledDataset.readDynaHate(path: path, round: 2, level: .original)
        #expect(original.name == "dynahate_r2_original")
        #expect(original.examples.map(\.id) == ["a1", "a3", "a4"])
    }

    /// Line breaks inside a quoted field are kept as written, "\r\n" included, as Python's csv module reads them
    /// with newline="" (found by fuzz-csv: "\r\r\n" inside quotes read as "\r\n", which a round trip turned into
    /// "\n"). Line ends between records still drop their "\r".
    @Test func csvKeepsLineBreaksInsideQuotedFieldsAsWritten() throws {
        let files = try TestFiles()
        let mapping = ColumnMapping(textField: "text", labelField: "label", labels: .names(["a", "b"]))
        let path = try files.write("cr.csv", "text,label\r\n\"one\r\ntwo\",a\r\n\"x\r\r\ny\",b\r\n\"p\nq\",a\r\n")
        let set = try LabeledDataset.readGeneric(path: path, format: .csv, mapping: mapping, name: "cr")
        #expect(set.examples.map(\.text) == ["one\r\ntwo", "x\r\r\ny", "p\nq"])
        #expect(set.labels == [0, 1, 0])
        #expect(set.examples.map(\.line) == [2, 4, 6])
    }

    @Test func gzipAndPlainReadTheSame() throws {
        let files = try TestFiles()
        let text = "id\ttext\tlabels\np1\thello\tNeutral\np2\tbad\tIdentityDirectedAbuse,PersonDirectedAbuse\n"
        let plain = try LabeledDataset.readCAD(path: try files.write("cad.tsv", text))
        let zipped = try LabeledDataset.readCAD(path: try files.write("cad.tsv.gz", bytes: TestFiles.gzipStored(Array(text.utf8))))
        #expect(plain.examples == zipped.examples)
        #expect(plain.labels == [0, 1])
    }

    @Test func genericReaderMapsColumnsAndLabels() throws {
        let files = try TestFiles()
        let jsonl = try files.write("g.jsonl", """
            {"q": "is it?", "a": "yes", "y": 1, "key": 17}
            {"q": "really?", "a": "no", "y": "0", "key": "x"}
            """)
        let mapping = ColumnMapping(textField: "q", pairField: "a", labelField: "y", idField: "key", labels: .indices(count: 2))
        let set = try LabeledDataset.readGeneric(path: jsonl, format: .jsonl, mapping: mapping, name: "g")
        #expect(set.examples.map(\.id) == ["17", "x"])
        #expect(set.labels == [1, 0])
        #expect(set.labelNames == ["0", "1"])
        #expect(set.examples[1].textPair == "no")

        let csv = try files.write("g.csv.gz", bytes: TestFiles.gzipStored(Array("sentiment,body,extra\npos,\"great, really\",1\nneg,awful,2\n".utf8)))
        #expect(DataFileFormat(path: csv) == .csv)
        let byName = ColumnMapping(textField: "body", labelField: "sentiment", labels: .names(["neg", "pos"]))
        let second = try LabeledDataset.readGeneric(path: csv, format: .csv, mapping: byName, name: "s")
        #expect(second.examples.map(\.id) == ["0", "1"])  // no id field: position
        #expect(second.examples.map(\.text) == ["great, really", "awful"])
        #expect(second.labels == [1, 0])
        #expect(second.examples.allSatisfy { $0.textPair == nil })

        let tsv = try files.write("g.tsv", "t\tl\nx\tb\n")
        let third = try LabeledDataset.read(path: tsv, format: .generic(.tsv, ColumnMapping(textField: "t", labelField: "l", labels: .names(["a", "b"]))), name: "t")
        #expect(third.labels == [1])
    }

    @Test func byteOrderMarkIsNotPartOfTheFirstField() throws {
        let files = try TestFiles()
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let tsv = try files.write("b.tsv", bytes: bom + Array("id\ttext\tlabels\np\tx\tNeutral\n".utf8))
        #expect(try LabeledDataset.readCAD(path: tsv).examples.map(\.id) == ["p"])
        let jsonl = try files.write("b.jsonl", bytes: bom + Array(#"{"uid": "u", "context": "p", "hypothesis": "h", "label": "n"}"#.utf8))
        #expect(try LabeledDataset.readANLI(path: jsonl, name: "a").labels == [1])
    }

    /// Foundation's JSONSerialization on Linux drops a raw U+FEFF at the start of a string value; the reader must
    /// keep it (only a byte-order mark at the very start of the file is not data).
    @Test func rawByteOrderMarkInsideJSONStringsIsKept() throws {
        let bom = "\u{FEFF}"
        let text = bom + #"{"uid": "u1", "context": "\#(bom)premise", "hypothesis": "h\#(bom)", "label": "n"}"# + "\n"
            + #"{"uid": "\#(bom)u2", "context": "\#(bom)", "hypothesis": "\ufeffescaped", "label": "e"}"# + "\n"
        let set = try LabeledDataset.readANLI(path: try TestFiles().write("bom.jsonl", text), name: "a")
        #expect(set.examples.map(\.id) == ["u1", bom + "u2"])
        #expect(set.examples.map(\.text) == [bom + "premise", bom])
        #expect(set.examples.map(\.textPair) == ["h" + bom, bom + "escaped"])
        #expect(set.examples[0].text.unicodeScalars.first == "\u{FEFF}")
    }

    /// JSON ids and labels may be integers (also written as 3.0); fractions, booleans and integers beyond 64 bits
    /// are not text.
    @Test func jsonIntegersAsIdsAndLabels() throws {
        let files = try TestFiles()
        let mapping = ColumnMapping(textField: "t", labelField: "y", idField: "k", labels: .indices(count: 3))
        let good = try files.write("i.jsonl", #"{"t": "a", "y": 2.0, "k": -7}"# + "\n" + #"{"t": "b", "y": 0, "k": 9007199254740993}"#)
        let set = try LabeledDataset.readGeneric(path: good, format: .jsonl, mapping: mapping, name: "i")
        #expect(set.examples.map(\.id) == ["-7", "9007199254740993"])
        #expect(set.labels == [2, 0])
        for (name, value) in [("f", "1.5"), ("b", "true"), ("h", "18446744073709551616")] {
            let path = try files.write("\(name).jsonl", #"{"t": "a", "y": \#(value), "k": 1}"#)
            #expect(throws: DatasetError.invalidField(path: path, line: 1, field: "y", reason: "not a string")) {
                try LabeledDataset.readGeneric(path: path, format: .jsonl, mapping: mapping, name: "x")
            }
        }
    }

    @Test func fileFormatFromExtension() {
        #expect(DataFileFormat(path: "x/train.JSONL.gz") == .jsonl)
        #expect(DataFileFormat(path: "a.tsv") == .tsv)
        #expect(DataFileFormat(path: "a.txt") == nil)
        #expect(DataFileFormat(path: "noextension") == nil)
    }
}

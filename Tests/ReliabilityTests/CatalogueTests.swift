import Foundation
import Testing

/// The corpus itself: the catalogue loads, every case's file exists, every file in the corpus belongs to a case
/// (or is a listed support file), and the files stay small.
@Suite struct CatalogueTests {
    @Test func catalogueCoversTheCorpusAndStaysSmall() throws {
        let catalogue = try Catalogue.load()
        #expect(catalogue.cases.count >= 100, "the corpus shrank to \(catalogue.cases.count) cases")
        let files = catalogue.cases.map(\.file)
        #expect(Set(files).count == files.count, "a case file is listed twice")
        for c in catalogue.cases {
            #expect(FileManager.default.fileExists(atPath: Catalogue.path(c.file)), "\(c.file) is listed but missing")
            #expect(c.reader != nil || c.cli != nil, "\(c.file) is run by nothing")
            #expect(!c.why.isEmpty)
        }
        let root = Catalogue.folder.path + "/"
        guard let walker = FileManager.default.enumerator(atPath: Catalogue.folder.path) else {
            Issue.record("cannot list \(root)")
            return
        }
        var count = 0
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + relative, isDirectory: &isDirectory),
                  !isDirectory.boolValue else { continue }
            count += 1
            let covered = relative == "catalogue.json" || catalogue.supportFiles.contains(relative)
                || files.contains { relative == $0 || relative.hasPrefix($0 + "/") }
            #expect(covered, "Corpus/\(relative) belongs to no case")
            let size = (try FileManager.default.attributesOfItem(atPath: root + relative)[.size] as? Int) ?? 0
            let limit = relative == "catalogue.json" ? 64_000 : relative.hasSuffix(".py") ? 8_000 : 2_048
            #expect(size <= limit, "Corpus/\(relative) has \(size) bytes (limit \(limit))")
        }
        #expect(count > catalogue.cases.count)
    }
}

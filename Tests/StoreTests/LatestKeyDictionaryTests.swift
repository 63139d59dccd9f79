@testable import Store
import Testing

@Suite("LatestKeyDictionary: the latest key's value kept outside the table")
struct LatestKeyDictionaryTests {
    @Test("reads, writes, changes and removals across switching keys match a plain dictionary's")
    func matchesADictionary() {
        var dictionary = LatestKeyDictionary<Int, Int>()
        var plain: [Int: Int] = [:]
        // Runs of one key, switches back and forth, reads of absent keys, removals.
        let keys = [1, 1, 1, 2, 1, 2, 2, 3, 3, 1, 4, 2, 2, 3, 1, 1]
        for (step, key) in keys.enumerated() {
            switch step % 4 {
            case 0:
                dictionary[key] = step
                plain[key] = step
            case 1, 2:
                dictionary.modify(key, default: 100) { $0 += step }
                plain[key, default: 100] += step
            default:
                #expect(dictionary[key] == plain[key], "step \(step), key \(key)")
                if key == 3 {
                    dictionary[key] = nil
                    plain[key] = nil
                }
            }
            #expect(dictionary.all == plain, "after step \(step)")
        }
        #expect(dictionary[99] == nil)
        #expect(dictionary.all == plain)
    }
}

import Foundation

/// Elements ordered by a deadline, earliest first: a binary min-heap. A pure value.
public struct DeadlineHeap<Element: Sendable>: Sendable {
    private var heap: [(due: Date, element: Element)] = []

    public init() {}

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }

    public mutating func insert(_ element: Element, due: Date) {
        heap.append((due, element))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].due < heap[parent].due else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns every element due at or before `now`, earliest first.
    public mutating func popDue(now: Date) -> [Element] {
        var due: [Element] = []
        while let first = heap.first, first.due <= now {
            due.append(first.element)
            removeRoot()
        }
        return due
    }

    /// Removes the first element matching `predicate` (a linear search: for rare operations).
    public mutating func remove(where predicate: (Element) -> Bool) -> Element? {
        guard let index = heap.firstIndex(where: { predicate($0.element) }) else { return nil }
        let removed = heap[index].element
        let rest = heap
        heap = []
        for (offset, entry) in rest.enumerated() where offset != index { insert(entry.element, due: entry.due) }
        return removed
    }

    /// Changes the first element matching `predicate` in place; false if there is none.
    public mutating func update(where predicate: (Element) -> Bool, _ change: (inout Element) -> Void) -> Bool {
        guard let index = heap.firstIndex(where: { predicate($0.element) }) else { return false }
        change(&heap[index].element)
        return true
    }

    private mutating func removeRoot() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].due < heap[smallest].due { smallest = left }
            if right < heap.count, heap[right].due < heap[smallest].due { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

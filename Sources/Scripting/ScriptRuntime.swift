import Foundation
import Synchronization

/// The scripting layer of a running gateway: the current `ScriptSet` and, per thread, an engine
/// built from it. A thread runs one event loop, so hooks run on the session's own loop with no
/// lock and no hop; a `lua_State` is never shared between threads.
///
/// A reload validates the new set by building it once, then installs it; each thread rebuilds
/// its engine on its next use, so every message sees one generation from start to end.
public final class ScriptRuntime: @unchecked Sendable {
    // @unchecked: `set` is only touched under `lock`; engines never leave their thread.
    private let lock = NSLock()
    private var set: ScriptSet
    /// `set.generation`, readable without the lock: every message asks whether its thread's
    /// engine is still current, and answering through `current` took the lock and copied the
    /// whole set (retaining its arrays) for each one.
    private let generation: Atomic<Int>
    private let identity: Int
    private let connectors: @Sendable () -> [String: ConnectorStatus]
    private let log: @Sendable (ScriptLogLine) -> Void

    public init(_ set: ScriptSet, connectors: @escaping @Sendable () -> [String: ConnectorStatus] = { [:] },
                log: @escaping @Sendable (ScriptLogLine) -> Void = { _ in }) {
        self.set = set
        generation = Atomic(set.generation)
        self.connectors = connectors
        self.log = log
        identity = RuntimeIdentity.next()
    }

    deinit {
        RuntimeIdentity.retire(identity)
    }

    public var current: ScriptSet {
        lock.lock()
        defer { lock.unlock() }
        return set
    }

    /// Swaps `candidate` in for new work (validate it first).
    public func install(_ candidate: ScriptSet) {
        lock.lock()
        set = candidate
        generation.store(candidate.generation, ordering: .releasing)
        lock.unlock()
    }

    /// This thread's engine for the current generation, built on first use.
    public func engine() throws(ScriptError) -> PolicyEngine {
        let cache = EngineCache.forThisThread()
        // The thread's last engine, most often of this runtime and current.
        if let latest = cache.latest, latest.identity == identity, latest.engine.generation == generation.load(ordering: .acquiring) {
            return latest.engine
        }
        let wanted = current
        if let engine = cache.engines[identity], engine.generation == wanted.generation {
            cache.remember(engine, identity: identity)
            return engine
        }
        cache.engines[identity] = nil
        cache.forget(identity: identity)
        // Engines of runtimes that are gone (a process that made several gateways, as tests do)
        // would otherwise stay on this thread for good.
        if !cache.engines.isEmpty {
            let live = RuntimeIdentity.live
            cache.engines = cache.engines.filter { live.contains($0.key) }
        }
        let engine = try PolicyEngine(wanted, connectors: connectors, log: log)
        cache.engines[identity] = engine
        cache.remember(engine, identity: identity)
        return engine
    }
}

private enum RuntimeIdentity {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var last = 0
    nonisolated(unsafe) private static var alive: Set<Int> = []

    static func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        last += 1
        alive.insert(last)
        return last
    }

    static func retire(_ identity: Int) {
        lock.lock()
        alive.remove(identity)
        lock.unlock()
    }

    static var live: Set<Int> {
        lock.lock()
        defer { lock.unlock() }
        return alive
    }
}

/// Each thread's engines, by runtime.
private final class EngineCache {
    var engines: [Int: PolicyEngine] = [:]
    /// The engine `engine()` returned last on this thread, and its runtime.
    private(set) var latest: (identity: Int, engine: PolicyEngine)?

    func remember(_ engine: PolicyEngine, identity: Int) {
        latest = (identity, engine)
    }

    /// Lets go of a runtime's engine that is out of date, so its VM is freed now.
    func forget(identity: Int) {
        if latest?.identity == identity { latest = nil }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<EngineCache>.fromOpaque(pointer).release()
        }
        return key
    }()

    static func forThisThread() -> EngineCache {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<EngineCache>.fromOpaque(pointer).takeUnretainedValue()
        }
        let cache = EngineCache()
        pthread_setspecific(key, Unmanaged.passRetained(cache).toOpaque())
        return cache
    }
}

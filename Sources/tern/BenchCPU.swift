import Foundation

/// CPU time the bench's process spends between two moments, in total and by thread name.
///
/// On a shared VM throughput swings by a third within minutes; the CPU a message costs moves
/// far less, so it is the steadier figure for comparing two builds.
struct BenchCPU {
    /// User and system time of the whole process, in microseconds (getrusage).
    let processMicroseconds: Double
    /// User and system time by thread name, in microseconds (Linux: /proc/self/task). Threads
    /// with one name (a pool) are summed.
    let threads: [String: Double]

    static func now() -> BenchCPU {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        let process = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
        return BenchCPU(processMicroseconds: process, threads: threadTimes())
    }

    /// What happened from `start` to `self`, per message.
    func perMessage(since start: BenchCPU, messages: Int) -> String {
        guard messages > 0 else { return "CPU per message: - (no receipt came back)" }
        let total = (processMicroseconds - start.processMicroseconds) / Double(messages)
        var line = String(format: "CPU per message: %.1f µs for the whole process (clients, Tern, sink)", total)
        let byThread = threads.map { name, time in (name, (time - (start.threads[name] ?? 0)) / Double(messages)) }
            .filter { $0.1 >= 0.05 }
            .sorted { $0.1 > $1.1 }
        if !byThread.isEmpty {
            line += "; by thread: " + byThread.map { String(format: "%@ %.1f", $0.0, $0.1) }.joined(separator: ", ")
        }
        return line
    }

    private static func threadTimes() -> [String: Double] {
        #if os(Linux)
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard ticksPerSecond > 0, let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return [:] }
        var times: [String: Double] = [:]
        for task in tasks {
            guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"), let open = stat.firstIndex(of: "(") else { continue }
            // The name sits in parentheses and may itself hold spaces or parentheses: the fields
            // after the last ')' start at the state (field 3); utime and stime are fields 14 and 15.
            let name = String(stat[stat.index(after: open)..<close])
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            times[name, default: 0] += (user + system) / ticksPerSecond * 1e6
        }
        return times
        #else
        return [:]
        #endif
    }
}

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A private Exim for tests: its own configuration and spool, run through `-C` as root, so a
/// test delivers real mail without touching the machine's MTA or other tests' queues.
enum PrivateMTA {
    /// A private Exim (its own configuration and spool, run through `-C` as root): mail to
    /// `captura@`, `joana@` and `ops@desk.example` and to `suporte@partner.example` is filed
    /// into the Maildirs `base/mail/<local part>`; anything else is unrouteable. Returns the
    /// `sendmail` program that submits to it.
    static func start(base: String) throws -> String {
        let mail = base + "/mail"
        for box in ["captura", "suporte", "joana", "ops"] {
            for sub in ["tmp", "new", "cur"] {
                try FileManager.default.createDirectory(
                    atPath: "\(mail)/\(box)/\(sub)", withIntermediateDirectories: true)
            }
        }
        try FileManager.default.createDirectory(atPath: base + "/spool", withIntermediateDirectories: true)
        #expect(try InboundMailTests.run(["/bin/chown", "-R", "nobody:nogroup", mail]) == 0)
        try """
        primary_hostname = followupd.test
        domainlist local_domains = desk.example : partner.example
        exim_user = root
        exim_group = root
        never_users =
        spool_directory = \(base)/spool
        log_file_path = \(base)/spool/log/%slog
        begin routers
        maildirs:
          driver = accept
          domains = +local_domains
          local_parts = captura : suporte : joana : ops
          transport = maildir_delivery
        begin transports
        maildir_delivery:
          driver = appendfile
          directory = \(mail)/${local_part_data}
          maildir_format
          user = nobody
          group = nogroup
          envelope_to_add
          return_path_add

        """.write(toFile: base + "/exim.conf", atomically: true, encoding: .utf8)
        let program = base + "/sendmail"
        try "#!/bin/sh\nexec /usr/sbin/exim4 -C \(base)/exim.conf \"$@\"\n".write(
            toFile: program, atomically: true, encoding: .utf8)
        chmod(program, 0o755)
        return program
    }

}

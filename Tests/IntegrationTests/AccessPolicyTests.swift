import FollowupControl
import Testing

/// Who may do what on the control socket (§6.3), from a peer's credentials alone.
@Suite struct AccessPolicyTests {
    static func peer(uid: UInt32, groups: Set<UInt32> = []) -> Peer {
        Peer(uid: uid, gid: groups.first ?? uid, pid: 1, groups: groups, name: "uid:\(uid)")
    }

    @Test func rootAndTheDaemonsOwnUserAreAdminsOthersByGroup() {
        // Group names that exist nowhere: only the uids decide here.
        let policy = AccessPolicy(readers: ["no-such-group-r"], admins: ["no-such-group-a"], ownUID: 999)
        #expect(policy.role(of: Self.peer(uid: 0)) == .admin, "root")
        #expect(policy.role(of: Self.peer(uid: 999)) == .admin, "the daemon's own user (the backup timer)")
        #expect(policy.role(of: Self.peer(uid: 1000)) == .none, "anyone else without a listed group")
        let everyoneReads = AccessPolicy(readers: ["*"], admins: [], ownUID: 999)
        #expect(everyoneReads.role(of: Self.peer(uid: 1000)) == .reader)
    }

    @Test func theHighestRoleOfThePeersGroupsWinsAndEveryoneCountsToo() {
        let everyoneTechnician = AccessPolicy(readers: ["*"], admins: [], technicians: ["*"], ownUID: 999)
        #expect(everyoneTechnician.role(of: Self.peer(uid: 1000)) == .technician)
        let groups = AccessPolicy(readers: [], admins: [], technicians: [], leaders: ["*"], ownUID: 999)
        #expect(groups.role(of: Self.peer(uid: 1000)) == .leader)
        #expect(Role.allCases.sorted() == [.none, .reader, .technician, .leader, .admin])
        #expect(Role.technician.groupsKey == "control.technicians")
    }
}

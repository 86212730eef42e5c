package actor

// Roles say what an API token may do. Each role includes the ones below it:
// a supervisor may do everything an agent may, and an agent may check.
const (
	// RoleSupervisor may do everything: renew, unban, import, manage the
	// never-ban list, tokens and databases. The desktop, the loopback
	// browser and `serve --token` act as supervisors.
	RoleSupervisor = "supervisor"
	// RoleAgent blocks a customer from the chat console during the chat:
	// it may read and may ban for 1 hour or 1 day, nothing more.
	RoleAgent = "agent"
	// RoleCheck may only ask whether an address is blocked (chat servers).
	RoleCheck = "check"
)

// Roles lists the roles, most powerful first.
func Roles() []string { return []string{RoleSupervisor, RoleAgent, RoleCheck} }

// rank orders roles; an unknown role ranks below every real one.
func rank(role string) int {
	switch role {
	case RoleSupervisor:
		return 3
	case RoleAgent:
		return 2
	case RoleCheck:
		return 1
	}
	return 0
}

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool { return rank(role) > 0 }

// Allows reports whether a holder of role have may do what needs role need.
func Allows(have, need string) bool { return rank(need) > 0 && rank(have) >= rank(need) }

// RoleOf is the role of the actor on a request: the role a token carries,
// or supervisor when no token limited it (the desktop, the command line).
func (a Actor) RoleOf() string {
	if a.Role == "" {
		return RoleSupervisor
	}
	return a.Role
}

#ifndef FOLLOWUP_CSPAWN_H
#define FOLLOWUP_CSPAWN_H

#include <spawn.h>

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34), which the Swift overlay does not
/// import (it is declared only under _GNU_SOURCE): the child closes every descriptor from
/// `from` up, so nothing of its parent's that is not close-on-exec leaks into it.
int followup_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from);

#endif

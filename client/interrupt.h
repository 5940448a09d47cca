#pragma once

// Ctrl-C at the prompt and while a command runs: in the REPL, SIGINT must end what is going
// on (a MONITOR, a SUBSCRIBE, a blocked BLPOP) and return to the prompt rather than end the
// program. The handler only records the signal; blocking waits poll take() between short
// slices, and system calls are interrupted (no SA_RESTART) so that they notice at once.
namespace Interrupt {

// Installs the SIGINT and SIGWINCH handlers. Only the REPL calls this: one-shot and piped runs
// keep the default, so Ctrl-C ends them as it ends redis-cli.
void install();
// Whether SIGINT arrived since the last call; clears it.
bool take();
// Whether the terminal was resized since the last call; clears it.
bool takeResize();

} // namespace Interrupt

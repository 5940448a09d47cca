#include "interrupt.h"

#include <csignal>

namespace {

volatile std::sig_atomic_t interrupted = 0;
volatile std::sig_atomic_t resized = 0;

void onSignal(int signal)
{
    if (signal == SIGINT)
        interrupted = 1;
    else
        resized = 1;
}

} // namespace

namespace Interrupt {

void install()
{
    struct sigaction action
    { };
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: a blocking read or poll returns EINTR
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGWINCH, &action, nullptr);
}

bool take()
{
    const bool was = interrupted;
    interrupted = 0;
    return was;
}

bool takeResize()
{
    const bool was = resized;
    resized = 0;
    return was;
}

} // namespace Interrupt

#pragma once

#include <QtGlobal>

// Redis's LFU counter, kept in a key's access field under an LFU maxmemory policy: the time of
// the last decrement in minutes (16 bits, wrapping) above an 8-bit logarithmic access counter.
// A key starts at InitialCount, so that a new key is not the first to go; each access raises
// the counter with probability 1 / ((counter - InitialCount) * logFactor + 1), and the counter
// loses one per decayMinutes that passed since the key was last touched.
namespace Lfu {

// Redis's LFU_INIT_VAL.
inline constexpr quint8 InitialCount = 5;

// The field of a key created at nowSeconds.
quint32 initial(quint32 nowSeconds);
// The counter of field at nowSeconds, decayed but not stored (OBJECT FREQ, eviction ranking).
quint8 count(quint32 field, quint32 nowSeconds, long long decayMinutes);
// The field after an access at nowSeconds (Redis's updateLFU: decay, then a logarithmic
// increment).
quint32 accessed(quint32 field, quint32 nowSeconds, long long logFactor, long long decayMinutes);
// The field holding count as of nowSeconds (RESTORE ... FREQ).
quint32 withCount(quint8 count, quint32 nowSeconds);

} // namespace Lfu

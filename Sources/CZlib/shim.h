// The system zlib, for the SPDY/3 header blocks of the CRI streaming server
// (Sources/PodCRI/Streaming): only PodCRI and its tests link it.
#include <zlib.h>

// deflateInit and inflateInit are macros Swift cannot call.
static inline int czlib_deflate_init(z_stream *stream, int level) {
    return deflateInit(stream, level);
}

static inline int czlib_inflate_init(z_stream *stream) {
    return inflateInit(stream);
}

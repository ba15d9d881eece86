#pragma once

#include <corofetch/http/error.hpp>

#include <llhttp.h>

namespace corofetch::http::detail {

// Where the parser was when llhttp failed: the same llhttp code means different things in the
// head and in the chunk framing.
enum class parse_stage : unsigned char { head, body, trailers };

// Maps an llhttp error to our code (RFC 9112 names the cases; llhttp's reason text is kept
// beside it by the caller). HPE_USER is ours and never reaches here.
errc map_llhttp_error(llhttp_errno_t err, parse_stage stage, bool saw_transfer_encoding) noexcept;

}  // namespace corofetch::http::detail

# textproto: what the line-oriented protocols (ftp, smtp, nntp) share, private to lib/: a line
# session over net::stream with one deadline, and dot-stuffed data blocks. Each of those modules
# includes this file; include_guard adds the sources once whichever of them are built.
include_guard(GLOBAL)
target_sources(corofetch PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/bounded_io.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dot_block.cpp
  ${CMAKE_CURRENT_LIST_DIR}/line_session.cpp)

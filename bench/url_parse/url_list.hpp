#pragma once
// The benchmark's input: a deterministic list of absolute URLs shaped like a crawler's frontier.

#include <cstddef>
#include <string>
#include <vector>

std::vector<std::string> make_url_list(std::size_t count, unsigned seed);

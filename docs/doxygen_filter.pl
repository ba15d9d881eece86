#!/usr/bin/perl
# Doxygen's INPUT_FILTER for the public headers (docs/Doxyfile); perl, as it starts at once and
# doxygen runs it once per header.
#
# The headers' /// comments are plain text for the people who read the headers: <img src>,
# ::ffff:a.b.c.d, !#$%&'*+ and \DDD mean what they say there. Doxygen would take them for HTML,
# links, emphasis and commands, so this escapes them in the text it hands doxygen, outside
# `code spans` and "quoted text" (which doxygen already prints as written). No command is used in
# the headers, so every backslash is literal. Lines are neither added nor removed: doxygen's
# warnings point at the header's own lines.
#
# usage: doxygen_filter.pl HEADER (writes the filtered header on stdout)
use strict;
use warnings;

while (my $line = <>) {
  chomp $line;
  if ($line =~ m{^(.*?///<?)(.*)$} && index($1, '"') < 0) {
    my ($comment, $text) = ($1, $2);
    $text =~ s{(`[^`]*`|"(?:\\.|[^"\\])*")|([\\#@&*])|<(?=[A-Za-z/!])|(?<![A-Za-z0-9_>)\]])::}
              {defined $1 ? $1 : defined $2 ? "\\$2" : "\\$&"}ge;
    $line = $comment . $text;
  }
  print "$line\n";
}

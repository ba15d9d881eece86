// The tree builder model of the link scanner: gumbo 0.10's handle_in_head ... handle_in_body and
// handle_in_foreign_content, reduced to the stack of open elements and the active formatting
// elements, with every branch that would move nodes, or that the model does not cover, turned
// into a fallback to the gumbo path.
#include "html/scan_model.hpp"

#include "html/text.hpp"
#include "html/walk.hpp"

namespace corofetch::html::scan {
namespace {

bool is_integration_name(std::string_view name) noexcept {
  return name == "foreignobject" || name == "desc" || name == "title";
}

}  // namespace

tree_model::tree_model(std::string_view input, const reference_options& options, scan_result& out)
    : in_(input), options_(options), out_(out) {
  stack_.reserve(64);
}

// ---- tokens

void tree_model::start_tag(const tag_token& t) {
  ignore_linefeed_ = false;
  next_state_ = text_state::data;
  capture_title_ = false;
  if (mode_ < mode::in_body && start_before_body(t)) return;
  if (failed()) return;
  const open_element* current = stack_.empty() ? nullptr : &stack_.back();
  if (current != nullptr && current->foreign) {
    if (current->integration) return fail(scan_fallback::integration_point);
    return foreign_start(t);
  }
  if (in_table_mode()) return table_start(t);
  body_start(t);
}

void tree_model::end_tag(const tag_token& t) {
  ignore_linefeed_ = false;
  if (mode_ < mode::in_body && end_before_body(t)) return;
  if (failed()) return;
  if (!stack_.empty() && stack_.back().foreign) return foreign_end(t);
  if (in_table_mode()) return table_end(t);
  body_end(t);
}

void tree_model::text(std::size_t begin, std::size_t end) {
  if (ignore_linefeed_) {
    // A newline right after <pre> or <listing> is dropped (13.2.6.4.7); CR LF is one newline.
    ignore_linefeed_ = false;
    if (in_[begin] == '\n') {
      ++begin;
    } else if (in_[begin] == '\r') {
      ++begin;
      if (begin < end && in_[begin] == '\n') ++begin;
    }
  }
  while (mode_ < mode::in_body) {
    while (begin < end && is_ascii_whitespace(in_[begin])) ++begin;
    if (begin == end) return;
    switch (mode_) {
      case mode::initial:
        mode_ = mode::before_html;
        break;
      case mode::before_html:
        push(tags::html);
        mode_ = mode::before_head;
        break;
      case mode::before_head:
        push(tags::head);
        mode_ = mode::in_head;
        break;
      case mode::in_head:
      case mode::in_head_noscript:
        pop();
        mode_ = mode_ == mode::in_head ? mode::after_head : mode::in_head;
        break;
      case mode::after_head:
        push(tags::body);
        mode_ = mode::in_body;
        break;
      default:
        break;
    }
  }
  if (begin == end) return;
  const open_element& current = stack_.back();
  if (current.foreign && !current.integration) return;
  if (mode_ == mode::in_select || mode_ == mode::in_select_in_table) return;  // no reconstruction
  if (in_table_mode() && mode_ != mode::in_cell && mode_ != mode::in_caption) {
    return table_text(begin, end);
  }
  reconstruct();
}

// Only "<!DOCTYPE html>" is known to give no-quirks mode; the public and system identifier lists
// are not modelled (a table after an open p then falls back).
void tree_model::doctype(std::string_view rest) {
  ignore_linefeed_ = false;
  if (mode_ != mode::initial) return;
  mode_ = mode::before_html;
  while (!rest.empty() && is_ascii_whitespace(rest.front())) rest.remove_prefix(1);
  while (!rest.empty() && is_ascii_whitespace(rest.back())) rest.remove_suffix(1);
  quirks_ = ascii_iequals(rest, "html") ? quirks::no_quirks : quirks::unknown;
}

void tree_model::title_text(std::size_t begin, std::size_t end) {
  decoded_text d;
  const decode_status st = decode_rcdata(in_.substr(begin, end - begin), buffer_, d);
  if (st == decode_status::invalid_utf8) return fail(scan_fallback::invalid_utf8);
  if (st == decode_status::numeric_overflow) return fail(scan_fallback::numeric_overflow);
  out_.title.assign(d.text);
}

// ---- before the body

// Returns true when the token was handled (or the scan failed) in a mode before "in body";
// false when the mode is now "in body" and the token must be processed there.
bool tree_model::start_before_body(const tag_token& t) {
  for (;;) {
    switch (mode_) {
      case mode::initial:
        mode_ = mode::before_html;  // no DOCTYPE: quirks mode (only tables differ, and fall back)
        continue;
      case mode::before_html:
        push(tags::html);
        mode_ = mode::before_head;
        if (t.tag == tags::html) return true;
        continue;
      case mode::before_head:
        if (t.tag == tags::html) return true;
        push(tags::head);
        mode_ = mode::in_head;
        if (t.tag == tags::head) return true;
        continue;
      case mode::in_head:
        if (in_head_start(t)) return true;
        pop();
        mode_ = mode::after_head;
        continue;
      case mode::in_head_noscript:
        if (in_head_noscript_start(t)) return true;
        pop();
        mode_ = mode::in_head;
        continue;
      case mode::after_head:
        if (after_head_start(t)) return true;
        push(tags::body);
        mode_ = mode::in_body;
        return false;
      default:
        return false;
    }
  }
}

bool tree_model::end_before_body(const tag_token& t) {
  const bool implies =
      t.tag == tags::head || t.tag == tags::body || t.tag == tags::html || t.tag == tags::br;
  for (;;) {
    switch (mode_) {
      case mode::initial:
        mode_ = mode::before_html;
        continue;
      case mode::before_html:
        if (!implies) return true;
        push(tags::html);
        mode_ = mode::before_head;
        continue;
      case mode::before_head:
        if (!implies) return true;
        push(tags::head);
        mode_ = mode::in_head;
        continue;
      case mode::in_head:
        if (t.tag == tags::head) {
          pop();
          mode_ = mode::after_head;
          return true;
        }
        if (!implies) return true;  // </template> with no template open, and the rest
        pop();
        mode_ = mode::after_head;
        continue;
      case mode::in_head_noscript:
        if (t.tag == tags::noscript) {
          pop();
          mode_ = mode::in_head;
          return true;
        }
        if (t.tag != tags::br) return true;
        pop();
        mode_ = mode::in_head;
        continue;
      case mode::after_head:
        if (t.tag == tags::head || !implies) return true;
        push(tags::body);
        mode_ = mode::in_body;
        return false;
      default:
        return false;
    }
  }
}

bool tree_model::in_head_start(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::html || tag == tags::head) return true;
  if (tag == tags::noscript) {
    push(tags::noscript);
    mode_ = mode::in_head_noscript;
    return true;
  }
  if (!has(tag, head_content)) return false;
  head_element(t);
  return true;
}

bool tree_model::in_head_noscript_start(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::html || tag == tags::head || tag == tags::noscript) return true;
  if (tag == tags::basefont || tag == tags::bgsound || tag == tags::link || tag == tags::meta ||
      tag == tags::noframes || tag == tags::style) {
    head_element(t);
    return true;
  }
  return false;
}

bool tree_model::after_head_start(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::html || tag == tags::head) return true;
  if (tag == tags::body) {
    push(tags::body);
    mode_ = mode::in_body;
    return true;
  }
  if (tag == tags::frameset) {
    fail(scan_fallback::frameset);
    return true;
  }
  if (has(tag, head_content) && tag != tags::menuitem) {
    head_element(t);  // into the head element, which holds nothing else after it
    return true;
  }
  return false;
}

// base, basefont, bgsound, menuitem, link, meta, noframes, script, style, template, title: the
// "in head" rules, wherever they are met.
void tree_model::head_element(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::base) return base(t);
  if (tag == tags::meta) return meta(t);
  if (tag == tags::title) {
    next_state_ = text_state::rcdata;
    capture_title_ = !title_seen_ && facts_visible();
    title_seen_ = title_seen_ || capture_title_;
  } else if (tag == tags::noframes || tag == tags::style) {
    next_state_ = text_state::rawtext;
  } else if (tag == tags::script) {
    next_state_ = text_state::script_data;
  } else if (tag == tags::template_) {
    // Template contents are a fragment of their own (13.2.6.4.18): nothing in them changes the
    // document's stack, list or mode, and nothing in them is reported unless asked for.
    if (options_.include_template) return fail(scan_fallback::template_element);
    next_state_ = text_state::template_contents;
  }
}

// ---- in body

void tree_model::body_start(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::html || tag == tags::body) return;  // attributes merged: none we read
  if (has(tag, head_content)) return head_element(t);
  if (body_start_blocks(t) || body_start_inline(t)) return;
  if (tag == tags::svg) {
    reconstruct();
    push_foreign(t);
    if (t.self_closing) pop();
    return;
  }
  if (has(tag, ignored_in_body)) return;
  reconstruct();  // any other start tag, noscript included (scripting off, as gumbo)
  push(tag);
}

// Start tags that close a p, end list items, or change the tokenizer or the mode.
bool tree_model::body_start_blocks(const tag_token& t) {
  const tag_id tag = t.tag;
  if (has(tag, closes_p)) {
    close_p();
    push(tag);
  } else if (has(tag, heading)) {
    close_p();
    if (!stack_.empty() && !stack_.back().foreign && has(stack_.back().tag, heading)) pop();
    push(tag);
  } else if (tag == tags::pre || tag == tags::listing) {
    close_p();
    push(tag);
    ignore_linefeed_ = true;
  } else if (tag == tags::form) {
    if (form_ != 0) return true;  // a nested form is ignored
    close_p();
    form_ = push(tag);
  } else if (tag == tags::li || tag == tags::dd || tag == tags::dt) {
    close_list_item(tag == tags::li);
    close_p();
    push(tag);
  } else if (tag == tags::plaintext) {
    close_p();
    push(tag);
    next_state_ = text_state::plaintext;
  } else if (tag == tags::hr) {
    close_p();
  } else if (tag == tags::xmp) {
    close_p();
    reconstruct();
    next_state_ = text_state::rawtext;
  } else if (tag == tags::table) {
    table_start_in_body();
  } else if (tag == tags::select) {
    select_start_in_body();
  } else if (tag == tags::frameset) {
    fail(scan_fallback::frameset);
  } else if (tag == tags::isindex) {
    fail(scan_fallback::isindex);
  } else if (tag == tags::math) {
    fail(scan_fallback::math);
  } else {
    return false;
  }
  return true;
}

// Formatting elements, void elements, raw text elements, and the few with their own rules.
bool tree_model::body_start_inline(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::a) {
    anchor_start(t);
  } else if (has(tag, formatting)) {
    reconstruct();
    add_formatting(tag, push(tag), -1);
  } else if (tag == tags::nobr) {
    reconstruct();
    if (in_scope(tags::nobr)) {
      adoption_agency(tags::nobr);
      reconstruct();
    }
    add_formatting(tag, push(tag), -1);
  } else if (tag == tags::button) {
    if (in_scope(tags::button)) {
      generate_implied_end_tags(tags::button);
      pop_until(tags::button);
    }
    reconstruct();
    push(tag);
  } else if (tag == tags::applet || tag == tags::marquee || tag == tags::object) {
    reconstruct();
    push(tag);
    formatting_.push_back({});  // a marker
  } else if (has(tag, void_reconstruct)) {
    reconstruct();
    if (tag == tags::area) (void)anchor(t, false);
  } else if (has(tag, void_plain)) {
    // param, source, track: nothing to reconstruct, nothing left open
  } else if (tag == tags::textarea) {
    next_state_ = text_state::rcdata;
  } else if (tag == tags::iframe) {
    frame(t);
    next_state_ = text_state::rawtext;
  } else if (tag == tags::noembed) {
    next_state_ = text_state::rawtext;
  } else if (tag == tags::option || tag == tags::optgroup) {
    if (current_is(tags::option)) pop();
    reconstruct();
    push(tag);
  } else if (tag == tags::rb || tag == tags::rp || tag == tags::rt || tag == tags::rtc) {
    if (in_scope(tags::ruby)) {
      generate_implied_end_tags(tag == tags::rt || tag == tags::rp ? tags::rtc : unknown_tag);
    }
    push(tag);
  } else {
    return false;
  }
  return true;
}

void tree_model::anchor_start(const tag_token& t) {
  for (std::size_t i = formatting_.size(); i-- > 0;) {
    if (formatting_[i].serial == 0) break;
    if (formatting_[i].tag != tags::a) continue;
    adoption_agency(tags::a);
    if (failed()) return;
    // "If that element is still in the list": remove it, from the stack too.
    for (std::size_t j = formatting_.size(); j-- > 0;) {
      if (formatting_[j].serial == 0) break;
      if (formatting_[j].tag != tags::a) continue;
      const long at = index_of(formatting_[j].serial);
      formatting_.erase(formatting_.begin() + static_cast<long>(j));
      if (at >= 0) remove_at(static_cast<std::size_t>(at));
      break;
    }
    break;
  }
  reconstruct();
  const std::uint32_t serial = push(tags::a);
  add_formatting(tags::a, serial, anchor(t, false));
}

void tree_model::body_end(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::body || tag == tags::html || tag == tags::template_) return;
  if (has(tag, block_end)) {
    if (!in_scope(tag)) return;
    generate_implied_end_tags(tag);
    pop_until(tag);
  } else if (tag == tags::form) {
    const std::uint32_t form = form_;
    form_ = 0;
    if (form == 0 || !node_in_scope(form)) return;
    generate_implied_end_tags(unknown_tag);
    remove_at(static_cast<std::size_t>(index_of(form)));  // the form alone
  } else if (tag == tags::p || tag == tags::li || tag == tags::dd || tag == tags::dt) {
    const scope kind = tag == tags::p    ? scope::button
                       : tag == tags::li ? scope::list_item
                                         : scope::normal;
    if (!in_scope(tag, kind)) return;  // "</p>" alone inserts and closes an empty p
    generate_implied_end_tags(tag);
    pop_until(tag);
  } else if (has(tag, heading)) {
    if (!heading_in_scope()) return;
    generate_implied_end_tags(unknown_tag);
    while (!stack_.empty()) {
      const bool was_heading = !stack_.back().foreign && has(stack_.back().tag, heading);
      pop();
      if (was_heading) break;
    }
  } else if (tag == tags::a || tag == tags::nobr || has(tag, formatting)) {
    adoption_agency(tag);
  } else if (tag == tags::applet || tag == tags::marquee || tag == tags::object) {
    if (!in_scope(tag, scope::table)) return;  // gumbo checks table scope
    generate_implied_end_tags(tag);
    pop_until(tag);
    clear_to_marker();
  } else if (tag == tags::br) {
    reconstruct();  // treated as <br>
  } else {
    any_other_end_tag(tag);
  }
}

// gumbo compares tags, so every unknown name closes any open unknown element.
void tree_model::any_other_end_tag(tag_id tag) {
  for (std::size_t i = stack_.size(); i-- > 0;) {
    const open_element& e = stack_[i];
    if (!e.foreign && e.tag == tag) {
      const std::uint32_t serial = e.serial;
      generate_implied_end_tags(tag);
      const long at = index_of(serial);
      pop_to(static_cast<std::size_t>(at));
      return;
    }
    if (is_special(e)) return;
  }
}

// 13.2.6.4.7 "adoption agency algorithm", as far as it only pops: with a furthest block it
// would clone and move nodes.
void tree_model::adoption_agency(tag_id subject) {
  const open_element& current = stack_.back();
  if (!current.foreign && current.tag == subject) {
    bool listed = false;
    for (const formatting_entry& f : formatting_) listed = listed || f.serial == current.serial;
    if (!listed) return pop();
  }
  std::size_t fe = formatting_.size();
  for (std::size_t j = formatting_.size(); j-- > 0;) {
    if (formatting_[j].serial == 0) return;  // a marker: nothing to do
    if (formatting_[j].tag == subject) {
      fe = j;
      break;
    }
  }
  if (fe == formatting_.size()) return;
  const long at = index_of(formatting_[fe].serial);
  if (at < 0) {
    formatting_.erase(formatting_.begin() + static_cast<long>(fe));
    return;
  }
  if (!in_scope(subject)) return;
  for (auto k = static_cast<std::size_t>(at) + 1; k < stack_.size(); ++k) {
    if (is_special(stack_[k])) return fail(scan_fallback::adoption_agency);
  }
  pop_to(static_cast<std::size_t>(at));
  formatting_.erase(formatting_.begin() + static_cast<long>(fe));
}

// ---- SVG content

void tree_model::foreign_start(const tag_token& t) {
  if (has(t.tag, breakout) ||
      (t.tag == tags::font && (find(t, "color") || find(t, "face") || find(t, "size")))) {
    return fail(scan_fallback::foreign_breakout);
  }
  push_foreign(t);
  if (t.tag == tags::a) (void)anchor(t, true);
  if (t.self_closing) pop();
}

// gumbo matches the end tag's whole text ("</g >" is "g ") against the elements' names: only a
// bare "</name>" closes an SVG element; anything else reaches the HTML rules.
void tree_model::foreign_end(const tag_token& t) {
  for (std::size_t i = stack_.size(); i-- > 0;) {
    if (!stack_[i].foreign) return fail(scan_fallback::foreign_end_tag);
    if (ascii_iequals(stack_[i].name, t.written)) return pop_to(i);
  }
}

// ---- the stack and the list

std::uint32_t tree_model::push(tag_id tag) {
  open_element& e = stack_.emplace_back();
  e.tag = tag;
  e.serial = next_serial_++;
  if (tag == tags::noscript) ++noscript_depth_;
  return e.serial;
}

void tree_model::push_foreign(const tag_token& t) {
  open_element& e = stack_.emplace_back();
  e.tag = t.tag;
  e.foreign = true;
  e.integration = is_integration_name(t.name);
  e.serial = next_serial_++;
  e.name = t.name;
}

void tree_model::pop() {
  if (stack_.empty()) return;
  if (!stack_.back().foreign && stack_.back().tag == tags::noscript) --noscript_depth_;
  stack_.pop_back();
}

void tree_model::pop_to(std::size_t index) {
  while (stack_.size() > index) pop();
}

void tree_model::remove_at(std::size_t index) {
  if (!stack_[index].foreign && stack_[index].tag == tags::noscript) --noscript_depth_;
  stack_.erase(stack_.begin() + static_cast<long>(index));
}

// Pops up to and including the topmost HTML element `tag` (which the caller knows is open).
void tree_model::pop_until(tag_id tag) {
  while (!stack_.empty()) {
    const bool found = current_is(tag);
    pop();
    if (found) return;
  }
}

bool tree_model::current_is(tag_id tag) const noexcept {
  return !stack_.empty() && !stack_.back().foreign && stack_.back().tag == tag;
}

long tree_model::index_of(std::uint32_t serial) const noexcept {
  for (std::size_t i = stack_.size(); i-- > 0;) {
    if (stack_[i].serial == serial) return static_cast<long>(i);
  }
  return -1;
}

bool tree_model::in_scope(tag_id tag, scope kind) const noexcept {
  for (std::size_t i = stack_.size(); i-- > 0;) {
    const open_element& e = stack_[i];
    if (!e.foreign && e.tag == tag) return true;
    if (kind == scope::table) {
      if (!e.foreign && (e.tag == tags::html || e.tag == tags::table || e.tag == tags::template_)) {
        return false;
      }
      continue;
    }
    if (e.foreign ? e.integration : has(e.tag, scope_boundary)) return false;
    if (kind == scope::button && !e.foreign && e.tag == tags::button) return false;
    if (kind == scope::list_item && !e.foreign && (e.tag == tags::ol || e.tag == tags::ul)) {
      return false;
    }
  }
  return false;
}

bool tree_model::heading_in_scope() const noexcept {
  for (std::size_t i = stack_.size(); i-- > 0;) {
    const open_element& e = stack_[i];
    if (!e.foreign && has(e.tag, heading)) return true;
    if (e.foreign ? e.integration : has(e.tag, scope_boundary)) return false;
  }
  return false;
}

bool tree_model::node_in_scope(std::uint32_t serial) const noexcept {
  for (std::size_t i = stack_.size(); i-- > 0;) {
    const open_element& e = stack_[i];
    if (e.serial == serial) return true;
    if (e.foreign ? e.integration : has(e.tag, scope_boundary)) return false;
  }
  return false;
}

// gumbo's special list holds SVG foreignObject and desc, not SVG title.
bool tree_model::is_special(const open_element& e) noexcept {
  if (e.foreign) return e.name == "foreignobject" || e.name == "desc";
  return has(e.tag, special);
}

void tree_model::generate_implied_end_tags(tag_id except) {
  while (!stack_.empty() && !stack_.back().foreign && has(stack_.back().tag, implied_end) &&
         stack_.back().tag != except) {
    pop();
  }
}

void tree_model::close_p() {
  if (!in_scope(tags::p, scope::button)) return;
  generate_implied_end_tags(tags::p);
  pop_until(tags::p);
}

// li, dd, dt: the loop over the stack of open elements that closes the previous item.
void tree_model::close_list_item(bool li) {
  for (std::size_t i = stack_.size(); i-- > 0;) {
    const open_element& e = stack_[i];
    const bool item =
        !e.foreign && (li ? e.tag == tags::li : (e.tag == tags::dd || e.tag == tags::dt));
    if (item) {
      const tag_id tag = e.tag;
      generate_implied_end_tags(tag);
      pop_until(tag);
      return;
    }
    if (is_special(e) &&
        !(!e.foreign && (e.tag == tags::address || e.tag == tags::div || e.tag == tags::p))) {
      return;
    }
  }
}

// 13.2.4.3 "reconstruct the active formatting elements": each clone of an <a> is another
// hyperlink in gumbo's tree, reported again where it is created.
void tree_model::reconstruct() {
  if (formatting_.empty()) return;
  std::size_t i = formatting_.size() - 1;
  if (formatting_[i].serial == 0 || index_of(formatting_[i].serial) >= 0) return;
  for (;;) {
    if (i == 0) break;
    --i;
    if (formatting_[i].serial == 0 || index_of(formatting_[i].serial) >= 0) {
      ++i;
      break;
    }
  }
  if (!stack_.empty() && stack_.back().foreign) return fail(scan_fallback::reconstruct_in_foreign);
  for (; i < formatting_.size(); ++i) {
    formatting_entry& f = formatting_[i];
    f.serial = push(f.tag);
    if (f.anchor >= 0 && references_visible()) emit(anchors_[static_cast<std::size_t>(f.anchor)]);
  }
}

// Noah's Ark (three alike after the last marker) compares attributes; the scanner gives up.
void tree_model::add_formatting(tag_id tag, std::uint32_t serial, int anchor) {
  int alike = 0;
  for (std::size_t i = formatting_.size(); i-- > 0;) {
    if (formatting_[i].serial == 0) break;
    if (formatting_[i].tag == tag) ++alike;
  }
  if (alike >= 3) return fail(scan_fallback::formatting_elements);
  formatting_.push_back({tag, serial, anchor});
}

void tree_model::clear_to_marker() {
  while (!formatting_.empty()) {
    const bool marker = formatting_.back().serial == 0;
    formatting_.pop_back();
    if (marker) return;
  }
}

// ---- what elements say

const attribute_token* tree_model::find(const tag_token& t, std::string_view name) const {
  for (const attribute_token& a : t.attributes) {
    if (ascii_iequals(a.name, name)) return &a;  // the first wins, as in gumbo
  }
  return nullptr;
}

bool tree_model::value(const attribute_token& a, decoded_text& d) {
  const std::string_view raw = in_.substr(a.value_begin, a.value_end - a.value_begin);
  const decode_status st = decode_attribute_value(raw, a.quote, buffer_, d);
  if (st == decode_status::ok) return true;
  fail(st == decode_status::invalid_utf8 ? scan_fallback::invalid_utf8
                                         : scan_fallback::numeric_overflow);
  return false;
}

// The decoded value, and where gumbo's original_value puts it: quotes included, then stripped
// as extract_references strips them (also a quote an unquoted value starts with after a
// reference), so that both paths report the same source range.
bool tree_model::reference_value(const attribute_token& a, scanned_reference& r) {
  decoded_text d;
  if (!value(a, d)) return false;
  r.value.assign(d.text);
  std::size_t begin = a.value_begin;
  std::size_t end = a.value_end;
  if (a.quote != '>') {
    --begin;
    ++end;
  } else {
    begin += leading_reference_length(in_.substr(a.value_begin, a.value_end - a.value_begin));
  }
  if (begin >= end) {
    r.value_begin = r.value_end = 0;
    r.exact = false;
    return true;
  }
  if (end - begin >= 2 && (in_[begin] == '"' || in_[begin] == '\'')) {
    ++begin;
    --end;
  }
  r.value_begin = begin;
  r.value_end = end;
  r.exact = in_.substr(begin, end - begin) == r.value;
  return true;
}

// <a>, <area>, SVG <a>: the href (SVG: else xlink:href) as a hyperlink, with rel=nofollow.
// Returns the reference's index in anchors_ for an HTML <a>'s clones, or -1.
int tree_model::anchor(const tag_token& t, bool svg) {
  if (!wants(reference_kind::hyperlink)) return -1;
  const attribute_token* href = find(t, "href");
  if (href == nullptr && svg) href = find(t, "xlink:href");
  if (href == nullptr) return -1;
  scanned_reference r;
  r.kind = reference_kind::hyperlink;
  if (const attribute_token* rel = find(t, "rel")) {
    decoded_text d;
    if (!value(*rel, d)) return -1;
    r.nofollow = has_token(d.text, "nofollow");
  }
  if (!reference_value(*href, r)) return -1;
  if (references_visible()) emit(r);
  if (svg || t.tag != tags::a) return -1;
  anchors_.push_back(std::move(r));
  return static_cast<int>(anchors_.size() - 1);
}

// An iframe with srcdoc never loads its src (HTML Standard 4.8.5).
void tree_model::frame(const tag_token& t) {
  if (!wants(reference_kind::frame) || find(t, "srcdoc") != nullptr) return;
  const attribute_token* src = find(t, "src");
  if (src == nullptr) return;
  scanned_reference r;
  r.kind = reference_kind::frame;
  if (!reference_value(*src, r)) return;
  if (references_visible()) emit(r);
}

void tree_model::base(const tag_token& t) {
  if (base_seen_ || !facts_visible()) return;
  const attribute_token* href = find(t, "href");
  if (href == nullptr) return;
  decoded_text d;
  if (!value(*href, d)) return;
  base_seen_ = true;
  out_.base_href.emplace(d.text);
}

void tree_model::meta(const tag_token& t) {
  if (!facts_visible()) return;
  const attribute_token* name = find(t, "name");
  const attribute_token* content = find(t, "content");
  if (name == nullptr || content == nullptr) return;
  decoded_text d;
  if (!value(*name, d)) return;
  const std::string_view n = strip_ascii_whitespace(d.text);
  if (!ascii_iequals(n, "robots") &&
      (options_.robots_name.empty() || !ascii_iequals(n, options_.robots_name))) {
    return;
  }
  if (!value(*content, d)) return;
  const robots_directives r = parse_robots_content(d.text);
  out_.noindex = out_.noindex || r.noindex;
  out_.nofollow = out_.nofollow || r.nofollow;
}

void tree_model::emit(const scanned_reference& r) {
  out_.references.push_back(r);
}

}  // namespace corofetch::html::scan

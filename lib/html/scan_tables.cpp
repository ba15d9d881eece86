// The link scanner's model of gumbo's table and select insertion modes (HTML Standard 13.2.6.4.9
// to 13.2.6.4.17): the stack of open elements as those modes move it; foster parenting, which
// would move nodes out of a table, is a fallback.
#include "html/scan_model.hpp"

#include "html/text.hpp"

namespace corofetch::html::scan {

// ---- tables

void tree_model::table_start_in_body() {
  if (quirks_ != quirks::quirks && in_scope(tags::p, scope::button)) {
    if (quirks_ == quirks::unknown) return fail(scan_fallback::table);
    close_p();
  }
  push(tags::table);
  mode_ = mode::in_table;
}

void tree_model::table_start(const tag_token& t) {
  bool again = true;
  while (again && !failed()) {
    switch (mode_) {
      case mode::in_table:
        again = in_table_start(t);
        break;
      case mode::in_table_body:
        again = in_table_body_start(t);
        break;
      case mode::in_row:
        again = in_row_start(t);
        break;
      case mode::in_cell:
        again = in_cell_start(t);
        break;
      case mode::in_caption:
        again = in_caption_start(t);
        break;
      case mode::in_column_group:
        again = in_column_group(&t, false);
        break;
      case mode::in_select:
      case mode::in_select_in_table:
        again = in_select_start(t);
        break;
      default:
        body_start(t);
        again = false;
        break;
    }
  }
}

void tree_model::table_end(const tag_token& t) {
  bool again = true;
  while (again && !failed()) {
    switch (mode_) {
      case mode::in_table:
        again = in_table_end(t);
        break;
      case mode::in_table_body:
        again = in_table_body_end(t);
        break;
      case mode::in_row:
        again = in_row_end(t);
        break;
      case mode::in_cell:
        again = in_cell_end(t);
        break;
      case mode::in_caption:
        again = in_caption_end(t);
        break;
      case mode::in_column_group:
        again = in_column_group(&t, true);
        break;
      case mode::in_select:
      case mode::in_select_in_table:
        again = in_select_end(t);
        break;
      default:
        body_end(t);
        again = false;
        break;
    }
  }
}

// "in table text": whitespace stays in the table; other text is foster-parented, which only
// matters when it reopens formatting elements (they would be inserted before the table).
void tree_model::table_text(std::size_t begin, std::size_t end) {
  if (mode_ == mode::in_column_group) {
    while (begin < end && is_ascii_whitespace(in_[begin])) ++begin;
    if (begin == end) return;
    if (!current_is(tags::colgroup)) return;
    pop();
    mode_ = mode::in_table;
  }
  for (; begin < end; ++begin) {
    if (!is_ascii_whitespace(in_[begin])) {
      if (reconstruct_needed()) fail(scan_fallback::table);
      return;
    }
  }
}

bool tree_model::in_table_start(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::caption) {
    clear_stack_to({tags::html, tags::table, tags::template_});
    formatting_.push_back({});
    push(tag);
    mode_ = mode::in_caption;
  } else if (tag == tags::colgroup || tag == tags::col) {
    clear_stack_to({tags::html, tags::table, tags::template_});
    push(tags::colgroup);
    mode_ = mode::in_column_group;
    return tag == tags::col;
  } else if (tag == tags::tbody || tag == tags::tfoot || tag == tags::thead) {
    clear_stack_to({tags::html, tags::table, tags::template_});
    push(tag);
    mode_ = mode::in_table_body;
  } else if (tag == tags::td || tag == tags::th || tag == tags::tr) {
    clear_stack_to({tags::html, tags::table, tags::template_});
    push(tags::tbody);
    mode_ = mode::in_table_body;
    return true;
  } else if (tag == tags::table) {
    return close_table();  // a table start tag closes the open table, then opens its own
  } else if (tag == tags::style || tag == tags::script || tag == tags::template_) {
    head_element(t);
  } else if (tag == tags::input) {
    const attribute_token* type = find(t, "type");
    decoded_text d;
    if (type == nullptr || !value(*type, d) || !ascii_iequals(d.text, "hidden")) {
      fail(scan_fallback::table);  // foster-parented
    }
  } else if (tag == tags::form) {
    if (form_ == 0) form_ = next_serial_++;  // inserted and popped at once
  } else {
    fail(scan_fallback::table);  // foster-parented
  }
  return false;
}

bool tree_model::in_table_end(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::table) {
    (void)close_table();
  } else if (tag != tags::body && tag != tags::caption && tag != tags::col &&
             tag != tags::colgroup && tag != tags::html && tag != tags::tbody && tag != tags::td &&
             tag != tags::tfoot && tag != tags::th && tag != tags::thead && tag != tags::tr &&
             tag != tags::template_) {
    fail(scan_fallback::table);  // processed "in body" with foster parenting
  }
  return false;
}

bool tree_model::in_table_body_start(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::tr || tag == tags::td || tag == tags::th) {
    clear_stack_to({tags::html, tags::tbody, tags::tfoot, tags::thead, tags::template_});
    push(tags::tr);
    mode_ = mode::in_row;
    return tag != tags::tr;
  }
  if (tag == tags::caption || tag == tags::col || tag == tags::colgroup || tag == tags::tbody ||
      tag == tags::tfoot || tag == tags::thead) {
    return close_table_section();
  }
  return in_table_start(t);
}

bool tree_model::in_table_body_end(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::tbody || tag == tags::tfoot || tag == tags::thead) {
    if (!in_scope(tag, scope::table)) return false;
    clear_stack_to({tags::html, tags::tbody, tags::tfoot, tags::thead, tags::template_});
    pop();
    mode_ = mode::in_table;
    return false;
  }
  if (tag == tags::table) return close_table_section();
  if (tag == tags::body || tag == tags::caption || tag == tags::col || tag == tags::tr ||
      tag == tags::colgroup || tag == tags::html || tag == tags::td || tag == tags::th) {
    return false;
  }
  return in_table_end(t);
}

// Closes the open tbody, thead or tfoot to process a token "in table"; false (ignored) when
// none is in table scope.
bool tree_model::close_table_section() {
  if (!in_scope(tags::tbody, scope::table) && !in_scope(tags::thead, scope::table) &&
      !in_scope(tags::tfoot, scope::table)) {
    return false;
  }
  clear_stack_to({tags::html, tags::tbody, tags::tfoot, tags::thead, tags::template_});
  pop();
  mode_ = mode::in_table;
  return true;
}

bool tree_model::in_row_start(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::td || tag == tags::th) {
    clear_stack_to({tags::html, tags::tr, tags::template_});
    push(tag);
    mode_ = mode::in_cell;
    formatting_.push_back({});
    return false;
  }
  if (tag == tags::caption || tag == tags::col || tag == tags::colgroup || tag == tags::tbody ||
      tag == tags::tfoot || tag == tags::thead || tag == tags::tr) {
    if (!in_scope(tags::tr, scope::table)) return false;
    clear_stack_to({tags::html, tags::tr, tags::template_});
    pop();
    mode_ = mode::in_table_body;
    return true;
  }
  return in_table_start(t);
}

bool tree_model::in_row_end(const tag_token& t) {
  const tag_id tag = t.tag;
  const bool section = tag == tags::tbody || tag == tags::tfoot || tag == tags::thead;
  if (tag == tags::tr || tag == tags::table || section) {
    if (section && !in_scope(tag, scope::table)) return false;
    if (!in_scope(tags::tr, scope::table)) return false;
    clear_stack_to({tags::html, tags::tr, tags::template_});
    pop();
    mode_ = mode::in_table_body;
    return tag != tags::tr;
  }
  if (tag == tags::body || tag == tags::caption || tag == tags::col || tag == tags::colgroup ||
      tag == tags::html || tag == tags::td || tag == tags::th) {
    return false;
  }
  return in_table_end(t);
}

bool tree_model::in_cell_start(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::caption || tag == tags::col || tag == tags::colgroup || tag == tags::tbody ||
      tag == tags::td || tag == tags::tfoot || tag == tags::th || tag == tags::thead ||
      tag == tags::tr) {
    if (!in_scope(tags::td, scope::table) && !in_scope(tags::th, scope::table)) return false;
    close_cell();
    return true;
  }
  body_start(t);
  return false;
}

bool tree_model::in_cell_end(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::td || tag == tags::th) {
    if (!in_scope(tag, scope::table)) return false;
    close_cell();
    return false;
  }
  if (tag == tags::body || tag == tags::caption || tag == tags::col || tag == tags::colgroup ||
      tag == tags::html) {
    return false;
  }
  if (tag == tags::table || tag == tags::tbody || tag == tags::tfoot || tag == tags::thead ||
      tag == tags::tr) {
    if (!in_scope(tag, scope::table)) return false;
    close_cell();
    return true;
  }
  body_end(t);
  return false;
}

void tree_model::close_cell() {
  const tag_id cell = in_scope(tags::td, scope::table) ? tags::td : tags::th;
  generate_implied_end_tags(unknown_tag);
  pop_until(cell);
  clear_to_marker();
  mode_ = mode::in_row;
}

bool tree_model::in_caption_start(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::caption || tag == tags::col || tag == tags::colgroup || tag == tags::tbody ||
      tag == tags::td || tag == tags::tfoot || tag == tags::th || tag == tags::thead ||
      tag == tags::tr) {
    if (!in_scope(tags::caption, scope::table)) return false;
    close_caption();
    return true;
  }
  body_start(t);
  return false;
}

bool tree_model::in_caption_end(const tag_token& t) {
  const tag_id tag = t.tag;
  if (tag == tags::caption || tag == tags::table) {
    if (!in_scope(tags::caption, scope::table)) return false;
    if (tag == tags::caption) generate_implied_end_tags(unknown_tag);
    close_caption();
    return tag == tags::table;
  }
  if (tag == tags::body || tag == tags::col || tag == tags::colgroup || tag == tags::html ||
      tag == tags::tbody || tag == tags::td || tag == tags::tfoot || tag == tags::th ||
      tag == tags::thead || tag == tags::tr) {
    return false;
  }
  body_end(t);
  return false;
}

void tree_model::close_caption() {
  pop_until(tags::caption);
  clear_to_marker();
  mode_ = mode::in_table;
}

// "in column group": whitespace, col, template; anything else closes the colgroup (if it is the
// current node) and is processed "in table".
bool tree_model::in_column_group(const tag_token* t, bool end) {
  const tag_id tag = t->tag;
  if (!end && tag == tags::html) return false;
  if (!end && tag == tags::col) return false;
  if (tag == tags::template_) {
    if (!end) head_element(*t);
    return false;
  }
  if (end && tag == tags::col) return false;
  if (!current_is(tags::colgroup)) return false;
  pop();
  mode_ = mode::in_table;
  return !(end && tag == tags::colgroup);
}

bool tree_model::close_table() {
  if (!in_scope(tags::table, scope::table)) return false;
  pop_until(tags::table);
  reset_insertion_mode();
  return true;
}

void tree_model::clear_stack_to(std::initializer_list<tag_id> context) {
  while (!stack_.empty()) {
    const open_element& e = stack_.back();
    if (!e.foreign) {
      for (const tag_id c : context) {
        if (e.tag == c) return;
      }
    }
    pop();
  }
}

// 13.2.4.1 "reset the insertion mode appropriately", as gumbo's get_appropriate_insertion_mode.
void tree_model::reset_insertion_mode() {
  for (std::size_t i = stack_.size(); i-- > 0;) {
    const open_element& e = stack_[i];
    const bool last = i == 0;
    if (e.foreign) {
      if (last) mode_ = mode::in_body;
      if (last) return;
      continue;
    }
    const tag_id tag = e.tag;
    if (tag == tags::template_ || tag == tags::frameset) return fail(scan_fallback::table);
    if (tag == tags::select) {
      mode_ = mode::in_select;
      for (std::size_t j = i; j-- > 1;) {
        if (!stack_[j].foreign && stack_[j].tag == tags::table) {
          mode_ = mode::in_select_in_table;
          break;
        }
      }
      return;
    }
    if ((tag == tags::td || tag == tags::th) && !last) {
      mode_ = mode::in_cell;
    } else if (tag == tags::tr) {
      mode_ = mode::in_row;
    } else if (tag == tags::tbody || tag == tags::thead || tag == tags::tfoot) {
      mode_ = mode::in_table_body;
    } else if (tag == tags::caption) {
      mode_ = mode::in_caption;
    } else if (tag == tags::colgroup) {
      mode_ = mode::in_column_group;
    } else if (tag == tags::table) {
      mode_ = mode::in_table;
    } else if (tag == tags::head && !last) {
      mode_ = mode::in_head;
    } else if (tag == tags::html) {
      mode_ = mode::after_head;  // the head element pointer is always set here
    } else if (tag == tags::body || last) {
      mode_ = mode::in_body;
    } else {
      continue;
    }
    return;
  }
}

// True when reconstructing the active formatting elements would insert clones.
bool tree_model::reconstruct_needed() const noexcept {
  if (formatting_.empty()) return false;
  const formatting_entry& last = formatting_.back();
  return last.serial != 0 && index_of(last.serial) < 0;
}

// ---- select

void tree_model::select_start_in_body() {
  reconstruct();
  push(tags::select);
  const bool table = mode_ == mode::in_table || mode_ == mode::in_caption ||
                     mode_ == mode::in_table_body || mode_ == mode::in_row ||
                     mode_ == mode::in_cell;
  mode_ = table ? mode::in_select_in_table : mode::in_select;
}

// "in select" ignores most start tags (an <a> in a select is no element, a <style> no raw text);
// "in select in table" first closes the select for table structure.
bool tree_model::in_select_start(const tag_token& t) {
  const tag_id tag = t.tag;
  if (mode_ == mode::in_select_in_table &&
      (tag == tags::caption || tag == tags::table || tag == tags::tbody || tag == tags::tfoot ||
       tag == tags::thead || tag == tags::tr || tag == tags::td || tag == tags::th)) {
    return close_select();
  }
  if (tag == tags::option) {
    if (current_is(tags::option)) pop();
    push(tag);
  } else if (tag == tags::optgroup) {
    if (current_is(tags::option)) pop();
    if (current_is(tags::optgroup)) pop();
    push(tag);
  } else if (tag == tags::select) {
    (void)close_select();  // a select start tag closes the open one
  } else if (tag == tags::input || tag == tags::keygen || tag == tags::textarea) {
    return close_select();
  } else if (tag == tags::script || tag == tags::template_) {
    head_element(t);
  }
  return false;
}

bool tree_model::in_select_end(const tag_token& t) {
  const tag_id tag = t.tag;
  if (mode_ == mode::in_select_in_table &&
      (tag == tags::caption || tag == tags::table || tag == tags::tbody || tag == tags::tfoot ||
       tag == tags::thead || tag == tags::tr || tag == tags::td || tag == tags::th)) {
    return in_scope(tag, scope::table) && close_select();
  }
  if (tag == tags::optgroup) {
    if (current_is(tags::option) && stack_.size() >= 2 && !stack_[stack_.size() - 2].foreign &&
        stack_[stack_.size() - 2].tag == tags::optgroup) {
      pop();
    }
    if (current_is(tags::optgroup)) pop();
  } else if (tag == tags::option) {
    if (current_is(tags::option)) pop();
  } else if (tag == tags::select) {
    (void)close_select();
  }
  return false;
}

// Pops up to the select, if one is in select scope, and resets the mode; false when none is.
bool tree_model::close_select() {
  if (!in_select_scope(tags::select)) return false;
  pop_until(tags::select);
  reset_insertion_mode();
  return true;
}

bool tree_model::in_select_scope(tag_id tag) const noexcept {
  for (std::size_t i = stack_.size(); i-- > 0;) {
    const open_element& e = stack_[i];
    if (!e.foreign && e.tag == tag) return true;
    if (e.foreign || (e.tag != tags::optgroup && e.tag != tags::option)) return false;
  }
  return false;
}

}  // namespace corofetch::html::scan

#include "libs/http/router.h"

#include <algorithm>
#include <set>

#include "libs/base/strings.h"
#include "libs/http/url.h"

namespace kc::http {
namespace {

// Lower ranks are more specific.
enum class SegmentKind { kLiteral = 0, kParam = 1, kRest = 2 };

struct Segment {
  SegmentKind kind;
  std::string text;  // literal text (decoded) or parameter name
};

struct Route {
  Method method;
  std::string pattern;
  std::vector<Segment> segments;
  StreamHandler handler;
};

// Splits a path into its segments after the leading '/', dropping one trailing '/'.
std::vector<std::string_view> path_segments(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  path.remove_prefix(1);
  if (path.empty()) return {};
  return strings::split(path, '/');
}

Result<std::vector<Segment>> parse_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    return make_error(Errc::kInvalidArgument, "route pattern '{}' must start with '/'", pattern);
  }
  std::vector<Segment> segments;
  auto parts = path_segments(pattern);
  std::set<std::string, std::less<>> names;
  for (size_t i = 0; i < parts.size(); ++i) {
    auto part = parts[i];
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      auto name = part.substr(1, part.size() - 2);
      SegmentKind kind = SegmentKind::kParam;
      if (strings::ends_with(name, "...")) {
        name.remove_suffix(3);
        kind = SegmentKind::kRest;
        if (i + 1 != parts.size()) {
          return make_error(Errc::kInvalidArgument,
                            "route pattern '{}': '{{{}...}}' must be the last segment", pattern,
                            name);
        }
      }
      if (name.empty() || name.find_first_of("{}/") != std::string_view::npos) {
        return make_error(Errc::kInvalidArgument, "route pattern '{}': bad parameter '{}'", pattern,
                          part);
      }
      if (!names.emplace(name).second) {
        return make_error(Errc::kInvalidArgument, "route pattern '{}': parameter '{}' repeats",
                          pattern, name);
      }
      segments.push_back({kind, std::string(name)});
    } else {
      if (part.find_first_of("{}") != std::string_view::npos) {
        return make_error(Errc::kInvalidArgument, "route pattern '{}': bad segment '{}'", pattern,
                          part);
      }
      KC_ASSIGN_OR_RETURN(auto literal, percent_decode(part));
      segments.push_back({SegmentKind::kLiteral, std::move(literal)});
    }
  }
  return segments;
}

// Matches decoded path segments; fills `params` on success.
bool match_route(const Route& route, const std::vector<std::string>& path,
                 std::map<std::string, std::string, std::less<>>& params) {
  const auto& segs = route.segments;
  bool has_rest = !segs.empty() && segs.back().kind == SegmentKind::kRest;
  size_t fixed = has_rest ? segs.size() - 1 : segs.size();
  if (has_rest ? path.size() < fixed : path.size() != fixed) return false;
  params.clear();
  for (size_t i = 0; i < fixed; ++i) {
    if (segs[i].kind == SegmentKind::kLiteral) {
      if (segs[i].text != path[i]) return false;
    } else {
      params[segs[i].text] = path[i];
    }
  }
  if (has_rest) {
    std::string rest;
    for (size_t i = fixed; i < path.size(); ++i) {
      if (i > fixed) rest += '/';
      rest += path[i];
    }
    params[segs.back().text] = std::move(rest);
  }
  return true;
}

// True when `a` is more specific than `b`.
bool more_specific(const Route& a, const Route& b) {
  size_t n = std::min(a.segments.size(), b.segments.size());
  for (size_t i = 0; i < n; ++i) {
    if (a.segments[i].kind != b.segments[i].kind) return a.segments[i].kind < b.segments[i].kind;
  }
  return a.segments.size() > b.segments.size();
}

// Shape of a pattern with parameter names erased, to find duplicates.
std::string shape(const std::vector<Segment>& segments) {
  std::string out;
  for (const auto& s : segments) {
    out += '/';
    out += s.kind == SegmentKind::kLiteral ? s.text
           : s.kind == SegmentKind::kParam ? "{}"
                                           : "{...}";
  }
  return out;
}

}  // namespace

struct Router::Impl {
  std::vector<Route> routes;
  StreamHandler fallback;
  Filter filter;
  ErrorRenderer renderer;
  std::optional<Error> invalid;  // the first bad add()

  void add(Method method, std::string_view pattern, StreamHandler handler) {
    auto segments = parse_pattern(pattern);
    if (!segments) {
      if (!invalid) invalid = segments.error();
      return;
    }
    for (const auto& r : routes) {
      if (r.method == method && shape(r.segments) == shape(*segments) && !invalid) {
        invalid =
            Error(Errc::kInvalidArgument, fmt::format("route {} {} is registered twice (as '{}')",
                                                      to_string(method), pattern, r.pattern));
      }
    }
    routes.push_back({method, std::string(pattern), std::move(*segments), std::move(handler)});
  }
};

Router::Router() : impl_(std::make_unique<Impl>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Router& Router::add(Method method, std::string_view pattern, Handler handler) {
  impl_->add(method, pattern, [h = std::move(handler)](const Request& req, ResponseStream& out) {
    out.send(h(req));
  });
  return *this;
}

Router& Router::add_stream(Method method, std::string_view pattern, StreamHandler handler) {
  impl_->add(method, pattern, std::move(handler));
  return *this;
}

Router& Router::set_fallback(StreamHandler handler) {
  impl_->fallback = std::move(handler);
  return *this;
}

Router& Router::set_filter(Filter filter) {
  impl_->filter = std::move(filter);
  return *this;
}

Router& Router::set_error_renderer(ErrorRenderer renderer) {
  impl_->renderer = std::move(renderer);
  return *this;
}

Status Router::validate() const {
  if (impl_->invalid) return tl::unexpected(*impl_->invalid);
  return ok();
}

Router::Match Router::resolve(Method method, std::string_view raw_path) const {
  Match match;
  if (raw_path.empty() || raw_path.front() != '/') {
    match.kind = Match::Kind::kBadPath;
    return match;
  }
  std::vector<std::string> path;
  for (auto raw : path_segments(raw_path)) {
    auto decoded = percent_decode(raw);
    if (!decoded) {
      match.kind = Match::Kind::kBadPath;
      return match;
    }
    path.push_back(std::move(*decoded));
  }

  const Route* best = nullptr;
  const Route* best_get = nullptr;  // for HEAD without a HEAD route
  std::set<Method> allowed;
  std::map<std::string, std::string, std::less<>> params;
  for (const auto& route : impl_->routes) {
    if (!match_route(route, path, params)) continue;
    allowed.insert(route.method);
    const Route** slot = route.method == method                                      ? &best
                         : (method == Method::kHead && route.method == Method::kGet) ? &best_get
                                                                                     : nullptr;
    if (slot && (*slot == nullptr || more_specific(route, **slot))) *slot = &route;
  }
  if (!best) best = best_get;
  if (best) {
    match_route(*best, path, match.params);
    match.kind = Match::Kind::kFound;
    match.handler = &best->handler;
    return match;
  }
  if (!allowed.empty()) {
    if (allowed.count(Method::kGet)) allowed.insert(Method::kHead);
    match.kind = Match::Kind::kMethodNotAllowed;
    for (Method m : allowed) {
      if (!match.allow.empty()) match.allow += ", ";
      match.allow += to_string(m);
    }
    return match;
  }
  match.kind = Match::Kind::kNotFound;
  if (impl_->fallback) match.handler = &impl_->fallback;
  return match;
}

const Filter& Router::filter() const { return impl_->filter; }

Response Router::render_error(const Request& request, int status, std::string_view message) const {
  if (impl_->renderer) return impl_->renderer(request, status, message);
  return Response::text(status, std::string(message) + "\n");
}

}  // namespace kc::http

// Webhook URLs: parsing with Boost.URL (compiled here, once: <boost/url/src.hpp>), the
// link-local/metadata address check and the redaction of secrets for display and logs.
#include <boost/url/src.hpp>

#include <algorithm>
#include <boost/url/parse.hpp>

#include "engine/runtime/message.hpp"

namespace djflow::engine::runtime {

namespace urls = boost::urls;

namespace {

Error bad_url(const std::string& zh, const std::string& en) {
  return Error::invalid({"webhook URL 无效：" + zh, "invalid webhook URL: " + en});
}

bool is_word(std::string_view seg) {
  if (seg.empty() || seg.size() > 16) return false;
  if (seg.size() <= 3 && seg.front() == 'v' &&
      std::all_of(seg.begin() + 1, seg.end(), [](char c) { return c >= '0' && c <= '9'; }) && seg.size() > 1)
    return true;  // an API version: v2
  return std::all_of(seg.begin(), seg.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.'; });
}

}  // namespace

std::string Url::host_header() const {
  const bool default_port = (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
  const std::string h = ipv6 ? "[" + host + "]" : host;
  return default_port ? h : h + ":" + port;
}

Result<Url> parse_url(const std::string& url) {
  for (unsigned char c : url) {
    if (c < 0x20 || c == 0x7F || c == ' ')
      return bad_url("含有控制字符或空格", "it holds a control character or a space");
  }
  auto r = urls::parse_uri(url);
  if (!r) return bad_url("不是有效的 URL（" + r.error().message() + "）", "not a valid URL (" + r.error().message() + ")");
  const urls::url_view& v = r.value();
  Url u;
  u.scheme = std::string(v.scheme());
  std::transform(u.scheme.begin(), u.scheme.end(), u.scheme.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (u.scheme != "http" && u.scheme != "https")
    return Error::invalid({"URL 只支持 http 和 https", "only http and https URLs are supported"});
  if (v.has_userinfo()) return Error::invalid({"URL 不支持用户名密码", "user:password@ in URLs is not supported"});
  switch (v.host_type()) {
    case urls::host_type::name: {
      const std::string h(v.encoded_host());
      if (h.find('%') != std::string::npos) return bad_url("主机名含有编码字符", "the host name holds escaped characters");
      u.host = h;
      std::transform(u.host.begin(), u.host.end(), u.host.begin(), [](unsigned char ch) { return std::tolower(ch); });
      break;
    }
    case urls::host_type::ipv4: u.host = v.host_ipv4_address().to_string(); break;
    case urls::host_type::ipv6:
      u.host = v.host_ipv6_address().to_string();
      u.ipv6 = true;
      break;
    default: break;
  }
  if (u.host.empty()) return Error::invalid({"URL 缺少主机名", "the URL has no host"});
  if (v.has_port() && !v.port().empty()) {
    const std::string p(v.port());
    if (p.size() > 5 || std::stoi(p) < 1 || std::stoi(p) > 65535)
      return bad_url("端口应为 1 至 65535：" + p, "the port must be 1 to 65535, got " + p);
    u.port = std::to_string(std::stoi(p));
  } else {
    u.port = u.scheme == "https" ? "443" : "80";
  }
  u.target = std::string(v.encoded_target());  // path and query; never the fragment
  if (u.target.empty() || u.target.front() != '/') u.target = "/" + u.target;
  return u;
}

bool is_link_local_or_metadata(std::string_view ip) {
  if (auto v4 = urls::parse_ipv4_address(ip)) return (v4->to_uint() >> 16) == 0xA9FE;  // 169.254.0.0/16
  auto v6 = urls::parse_ipv6_address(ip);
  if (!v6) return false;
  const auto b = v6->to_bytes();
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;  // fe80::/10
  const bool mapped = std::all_of(b.begin(), b.begin() + 10, [](unsigned char c) { return c == 0; }) && b[10] == 0xFF &&
                      b[11] == 0xFF;
  if (mapped && b[12] == 169 && b[13] == 254) return true;  // ::ffff:169.254.x.x
  static constexpr unsigned char kAwsV6[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
  return std::equal(b.begin(), b.end(), kAwsV6);  // fd00:ec2::254
}

Status check_webhook_url(const std::string& url, bool allow_private) {
  auto u = parse_url(url);
  DJFLOW_TRY(u);
  if (!allow_private && is_link_local_or_metadata(u->host)) {
    return Error::invalid({"webhook 不能指向链路本地或云元数据地址 " + u->host + "（确需如此请加 --allow-private）",
                           "a webhook may not point at the link-local or metadata address " + u->host +
                               " (add --allow-private if you really mean it)"});
  }
  return {};
}

bool allows_private(const Channel& c) {
  return std::find(c.args.begin(), c.args.end(), "allow-private") != c.args.end();
}

std::string redact_url(const std::string& url) {
  auto u = parse_url(url);
  if (!u) return "***";
  auto r = urls::parse_uri(url);
  const urls::url_view& v = r.value();
  std::string path;
  for (auto seg : v.encoded_segments()) {
    const std::string s(seg);
    path += "/" + (s.empty() || is_word(s) ? s : std::string("***"));
  }
  std::string query;
  if (v.has_query()) {
    for (auto p : v.encoded_params()) {
      query += query.empty() ? "?" : "&";
      query += p.has_value ? std::string(p.key) + "=***" : std::string("***");
    }
    if (query.empty()) query = "?***";
  }
  const std::string fragment = v.has_fragment() ? "#***" : "";
  return u->scheme + "://" + u->host_header() + path + query + fragment;
}

std::string redact_secrets(std::string_view text, const Channel& c) {
  std::vector<std::string> secrets;
  auto add = [&](std::string s) {
    if (s.size() >= 4) secrets.push_back(std::move(s));  // shorter pieces are route words, not keys
  };
  add(c.secret);
  if (c.type == "webhook") {
    add(c.target);
    if (auto r = urls::parse_uri(c.target)) {
      const urls::url_view& v = r.value();
      for (auto seg : v.encoded_segments()) {
        if (is_word(std::string(seg))) continue;
        add(std::string(seg));
        add(seg.decode());
      }
      if (v.has_query()) {
        add(std::string(v.encoded_query()));
        for (auto p : v.encoded_params()) {
          add(std::string(p.has_value ? p.value : p.key));
          add(p.has_value ? p.value.decode() : p.key.decode());
        }
      }
      if (v.has_fragment()) {
        add(std::string(v.encoded_fragment()));
        add(v.encoded_fragment().decode());
      }
    }
  }
  // Longest first, so that a secret containing another is replaced whole.
  std::sort(secrets.begin(), secrets.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string out(text);
  for (const auto& s : secrets) {
    for (std::size_t at = out.find(s); at != std::string::npos; at = out.find(s, at + 3)) out.replace(at, s.size(), "***");
  }
  return out;
}

}  // namespace djflow::engine::runtime

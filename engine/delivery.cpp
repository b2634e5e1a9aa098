#include "engine/delivery.hpp"

namespace djflow::engine {

const char* to_string(DeliveryStatus s) {
  switch (s) {
    case DeliveryStatus::Pending: return "pending";
    case DeliveryStatus::Delivered: return "delivered";
    case DeliveryStatus::Dead: return "dead";
  }
  return "pending";
}

std::optional<DeliveryStatus> delivery_status_from(std::string_view s) {
  if (s == "pending") return DeliveryStatus::Pending;
  if (s == "delivered") return DeliveryStatus::Delivered;
  if (s == "dead") return DeliveryStatus::Dead;
  return std::nullopt;
}

}  // namespace djflow::engine

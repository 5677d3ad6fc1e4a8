#pragma once

// The one list of built-in plugins: every sink, converter, transform and predicate kconnect ships.
// Adding a plugin means adding one line to builtin_plugins.cc. No static-initialiser registration.

#include <string_view>
#include <vector>

#include "runtime/api/plugin.h"

namespace kc::registry {

struct Plugins {
  std::vector<api::SinkPlugin> sinks;
  std::vector<api::ConverterPlugin> converters;
  std::vector<api::TransformPlugin> transforms;
  std::vector<api::PredicatePlugin> predicates;

  // Lookups by kconnect name, Kafka class name or alias; nullptr when unknown.
  const api::SinkPlugin* find_sink(std::string_view name) const;
  const api::ConverterPlugin* find_converter(std::string_view name) const;
  const api::TransformPlugin* find_transform(std::string_view name) const;
  const api::PredicatePlugin* find_predicate(std::string_view name) const;
};

const Plugins& builtin();

}  // namespace kc::registry

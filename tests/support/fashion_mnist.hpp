#pragma once

// Fashion-MNIST images as discrete measures, for tests and benchmarks (Tang et al., arXiv
// 2401.12253, Sec. 6, ran MNIST; this is the Fashion-MNIST test set as Debian's
// dataset-fashion-mnist package installs it): an image's nonzero pixels as support points on the
// [0,1]^2 grid (coordinates i / 27) with the normalized intensities as weights, and an image pair
// as an OT problem with the squared Euclidean (W2^2) or L1 (W1) ground cost. Data is read at run
// time, never committed.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "iterum/io/idx.hpp"

namespace iterum::test {

/// Directory of the Fashion-MNIST files: $ITERUM_FASHION_MNIST_DIR, else Debian's location;
/// empty when its test images are not there.
inline std::optional<std::filesystem::path> fashion_mnist_dir() {
  std::filesystem::path dir = "/usr/share/datasets/fashion-mnist";
  if (const char* env = std::getenv("ITERUM_FASHION_MNIST_DIR"); env && *env) dir = env;
  if (!std::filesystem::exists(dir / "t10k-images-idx3-ubyte.gz")) return std::nullopt;
  return dir;
}

inline std::string fashion_mnist_missing_message() {
  return "Fashion-MNIST not found (install Debian's dataset-fashion-mnist, or set "
         "ITERUM_FASHION_MNIST_DIR to a directory holding t10k-images-idx3-ubyte.gz); skipped";
}

/// An image's nonzero pixels: their coordinates (row / (rows - 1), col / (cols - 1)) and their
/// intensities normalized to total mass 1, in row-major pixel order.
struct ImageMeasure {
  Eigen::MatrixX2d points;
  Eigen::VectorXd weights;
};

template <class Image>
ImageMeasure image_measure(const Image& image) {
  const Eigen::Index support = (image.array() > 0).count();
  ImageMeasure m{Eigen::MatrixX2d(support, 2), Eigen::VectorXd(support)};
  Eigen::Index k = 0;
  for (Eigen::Index r = 0; r < image.rows(); ++r) {
    for (Eigen::Index c = 0; c < image.cols(); ++c) {
      if (image(r, c) > 0) {
        m.points(k, 0) = static_cast<double>(r) / static_cast<double>(image.rows() - 1);
        m.points(k, 1) = static_cast<double>(c) / static_cast<double>(image.cols() - 1);
        m.weights[k++] = image(r, c);
      }
    }
  }
  m.weights /= m.weights.sum();
  return m;
}

enum class GroundCost { SquaredEuclidean, L1 };

struct ImagePair {
  Eigen::VectorXd a, b;
  Eigen::MatrixXd c;
};

/// The first `count` test images (all when unset), or nothing when the data is absent.
inline std::optional<iterum::io::IdxArray> fashion_mnist_images(
    std::optional<Eigen::Index> count = {}) {
  const auto dir = fashion_mnist_dir();
  if (!dir) return std::nullopt;
  return iterum::io::read_idx(*dir / "t10k-images-idx3-ubyte.gz", 0, count);
}

/// Images `first` and `second` of `images` as an OT problem.
inline ImagePair image_pair(const iterum::io::IdxArray& images, Eigen::Index first,
                            Eigen::Index second, GroundCost cost) {
  const ImageMeasure x = image_measure(images.item(first));
  const ImageMeasure y = image_measure(images.item(second));
  ImagePair pair{x.weights, y.weights, Eigen::MatrixXd(x.weights.size(), y.weights.size())};
  for (Eigen::Index j = 0; j < y.weights.size(); ++j) {
    for (Eigen::Index i = 0; i < x.weights.size(); ++i) {
      const double d0 = x.points(i, 0) - y.points(j, 0);
      const double d1 = x.points(i, 1) - y.points(j, 1);
      pair.c(i, j) =
          cost == GroundCost::SquaredEuclidean ? d0 * d0 + d1 * d1 : std::abs(d0) + std::abs(d1);
    }
  }
  return pair;
}

/// Test images `first` and `second` as an OT problem, or nothing when the data is absent.
inline std::optional<ImagePair> fashion_mnist_pair(Eigen::Index first, Eigen::Index second,
                                                   GroundCost cost) {
  const auto images = fashion_mnist_images(std::max(first, second) + 1);
  if (!images) return std::nullopt;
  return image_pair(*images, first, second, cost);
}

}  // namespace iterum::test

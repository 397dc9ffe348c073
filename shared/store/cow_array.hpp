#pragma once
// A fixed-chunk array whose copies share their chunks: copying one of a million elements costs
// a few hundred shared_ptr copies, and a write copies only the chunk it lands in. This is how
// the next snapshot reuses the previous one's tables after a change of a few bindings.
// A copy is never written through a chunk it shares: each array remembers which chunks it
// made itself since it was copied (only those are written in place).
#include <array>
#include <cstddef>
#include <memory>
#include <vector>

namespace cusax::store {

template <typename T, std::size_t ChunkBits>
class CowArray {
  public:
    static constexpr std::size_t kChunk = std::size_t{1} << ChunkBits;

    CowArray() = default;
    CowArray(const CowArray& other)
        : chunks_(other.chunks_), own_(other.chunks_.size()), size_(other.size_) {}
    CowArray& operator=(const CowArray& other) {
        chunks_ = other.chunks_;
        own_.assign(chunks_.size(), false);
        size_ = other.size_;
        return *this;
    }
    CowArray(CowArray&&) noexcept = default;
    CowArray& operator=(CowArray&&) noexcept = default;

    // `count` elements, each `value`, in chunks of this array's own.
    void assign(std::size_t count, const T& value) {
        chunks_.clear();
        own_.clear();
        size_ = 0;
        resize(count, value);
    }

    void resize(std::size_t count, const T& value = T()) {
        while (chunks_.size() * kChunk < count) {
            auto chunk = std::make_shared<Chunk>();
            chunk->fill(value);
            chunks_.push_back(std::move(chunk));
            own_.push_back(true);
        }
        size_ = count;
    }

    std::size_t size() const { return size_; }

    const T& operator[](std::size_t i) const {
        return (*chunks_[i >> ChunkBits])[i & (kChunk - 1)];
    }

    // The element to overwrite; copies its chunk first when it is shared.
    T& write(std::size_t i) {
        const std::size_t c = i >> ChunkBits;
        if (!own_[c]) {
            chunks_[c] = std::make_shared<Chunk>(*chunks_[c]);
            own_[c] = true;
        }
        return (*chunks_[c])[i & (kChunk - 1)];
    }

    std::size_t memory_bytes() const { return chunks_.size() * sizeof(Chunk); }

  private:
    using Chunk = std::array<T, kChunk>;
    std::vector<std::shared_ptr<Chunk>> chunks_;
    std::vector<bool> own_;
    std::size_t size_ = 0;
};

}  // namespace cusax::store

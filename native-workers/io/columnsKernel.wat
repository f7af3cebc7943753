;; Column conversions of the HDF5 writer (columnsKernel.ts drives them, h5Append.ts uses them): the
;; checks and narrowing that TypeScript did at 2-5 ns per value, with SIMD.
;;
;; `narrow16`: uint16 values at $src (n of them) to uint8 at $dst; returns their maximum, so the
;; caller can refuse a block with a value over 255 (narrow_i16x8_u saturates it).
;;
;; `split64`: float64 values at $p (n of them) rewritten in place as little-endian uint64 words,
;; while each is an integer in [0, 2^32) (the common case: trigger numbers); returns the index of
;; the first value that is not (or n), which the caller converts the general way. A value passes
;; when truncating it to uint32 and back gives it again, so NaN, fractions, negatives and values of
;; 2^32 or more all stop the fast path (-0 passes as 0, as `v >>> 0 === v` lets it).
(module
  (memory (export "memory") 16 16)

  (func (export "narrow16") (param $src i32) (param $dst i32) (param $n i32) (result i32)
    (local $end i32) (local $m v128) (local $max i32) (local $v i32) (local $lane i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 1))))
    (block $blocks
      (loop $next
        (br_if $blocks (i32.gt_u (i32.add (local.get $src) (i32.const 32)) (local.get $end)))
        (local.set $m (i16x8.max_u (local.get $m)
                        (i16x8.max_u (v128.load (local.get $src)) (v128.load offset=16 (local.get $src)))))
        (v128.store (local.get $dst)
          (i8x16.narrow_i16x8_u (v128.load (local.get $src)) (v128.load offset=16 (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 32)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $next)))
    (block $lanes
      (loop $next
        (br_if $lanes (i32.ge_u (local.get $lane) (i32.const 8)))
        (local.set $v (i16x8.extract_lane_u 0 (local.get $m)))
        (if (i32.gt_u (local.get $v) (local.get $max)) (then (local.set $max (local.get $v))))
        ;; rotate the next lane into lane 0
        (local.set $m (i8x16.shuffle 2 3 4 5 6 7 8 9 10 11 12 13 14 15 0 1 (local.get $m) (local.get $m)))
        (local.set $lane (i32.add (local.get $lane) (i32.const 1)))
        (br $next)))
    (block $tail
      (loop $next
        (br_if $tail (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (i32.load16_u (local.get $src)))
        (if (i32.gt_u (local.get $v) (local.get $max)) (then (local.set $max (local.get $v))))
        (i32.store8 (local.get $dst) (local.get $v))
        (local.set $src (i32.add (local.get $src) (i32.const 2)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (br $next)))
    (local.get $max))

  (func (export "split64") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $a i32) (local $v v128) (local $t v128) (local $f f64) (local $u i32)
    (block $done
      (loop $pairs
        (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
        (local.set $a (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $v (v128.load (local.get $a)))
        (local.set $t (i32x4.trunc_sat_f64x2_u_zero (local.get $v)))
        (br_if $done (i32.eqz (i64x2.all_true (f64x2.eq (f64x2.convert_low_i32x4_u (local.get $t))
                                                         (local.get $v)))))
        ;; lanes (t0, t1, 0, 0) to (t0, 0, t1, 0)
        (v128.store (local.get $a)
          (i8x16.shuffle 0 1 2 3 8 9 10 11 4 5 6 7 12 13 14 15 (local.get $t) (local.get $t)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    ;; at most one value of a pair the SIMD step refused (or the last one) may still pass alone
    (block $stop
      (loop $one
        (br_if $stop (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $f (f64.load (local.get $a)))
        (local.set $u (i32.trunc_sat_f64_u (local.get $f)))
        (br_if $stop (f64.ne (f64.convert_i32_u (local.get $u)) (local.get $f)))
        (i64.store (local.get $a) (i64.extend_i32_u (local.get $u)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $one)))
    (local.get $i))
)

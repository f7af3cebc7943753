;; Cluster stream for one trigger of at most 512 hits, sort to centroids in one call: the hot path
;; of clusterStreamCentroids (streamKernel.ts drives it). The same steps, in the same arithmetic,
;; as the TypeScript path it replaces for such triggers:
;; - clusterStreamSort.ts's radixSmall and gather: key (tof 15 bits, ToT digit 8 bits, index 9
;;   bits), three 8-bit LSD passes, gather into tof, ToT and grid cell per position, then the exact
;;   insertion fix when two keys tied for different values;
;; - clusterStreamWalk.ts's walkPacked (packed cells ToT << 15 | position + 1, branch-free ring 1,
;;   8 x 8 block map before the outer rings);
;; - clusterStream.ts's emitTrigger: sums per root position in processing order, centroids of the
;;   kept clusters in root order.
;; It declines (returns -1, memory as it found it apart from scratch) when a ToT needs more than 16
;; bits or the insertion fix runs out of budget; the caller then takes the TypeScript path.
;; Addresses are fixed byte offsets (streamKernel.ts has the same table).
(module
  (memory (export "memory") 81 81)
  ;; Centroids written to the output columns so far.
  (global $nOut (export "nOut") (mut i32) (i32.const 0))
  ;; Cells read by the outer rings (2..8) end after 4, 8, 16, 20, 24, 32, 40 cells.
  (data (i32.const 7424) "\04\00\00\00\08\00\00\00\10\00\00\00\14\00\00\00\18\00\00\00\20\00\00\00\28\00\00\00")

  ;; clusterStreamWalk.ts's searchOuter: lowest candidate of the first outer ring that has one, else k.
  (func $searchOuter (param $c i32) (param $thr i32) (param $k i32) (result i32)
    (local $m i32) (local $o i32) (local $ring i32) (local $end i32) (local $v i32)
    (local.set $m (i32.const 0x7fff))
    (block $done
      (loop $rings
        (local.set $end (i32.load offset=7424 (i32.shl (local.get $ring) (i32.const 2))))
        (block $ringDone
          (loop $cells
            (br_if $ringDone (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $v (i32.load offset=805888
              (i32.shl (i32.add (local.get $c) (i32.load offset=7168 (i32.shl (local.get $o) (i32.const 2))))
                       (i32.const 2))))
            (if (i32.and (i32.ge_s (local.get $v) (local.get $thr))
                         (i32.lt_s (i32.and (local.get $v) (i32.const 0x7fff)) (local.get $m)))
              (then (local.set $m (i32.and (local.get $v) (i32.const 0x7fff)))))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (br $cells)))
        (if (i32.ne (local.get $m) (i32.const 0x7fff))
          (then (return (i32.sub (local.get $m) (i32.const 1)))))
        (local.set $ring (i32.add (local.get $ring) (i32.const 1)))
        (br_if $rings (i32.lt_u (local.get $ring) (i32.const 7)))))
    (local.get $k))

  ;; The trigger's hits are rows in..in+len-1 of the input window, IN_TOF (f64), IN_TOT (u32),
  ;; IN_X, IN_Y (u16); lo and span: their smallest tof and tof range (finite). Writes its centroids from
  ;; nOut on (the caller leaves room for len) and returns how many, or -1 (declined).
  (func (export "trigger") (param $in i32) (param $len i32) (param $lo f64) (param $span f64) (param $trig f64)
        (param $stamp i32) (param $maxDist f64) (param $totOffset f64) (param $minSize f64)
        (param $stride i32) (param $shift i32) (result i32)
    (local $k i32) (local $j i32) (local $v i32) (local $g i32) (local $q i32) (local $d i32)
    (local $scale f64) (local $totBits i32) (local $s0 i32) (local $s1 i32) (local $s2 i32)
    (local $a i32) (local $t f64) (local $tp f64) (local $gp i32) (local $bad i32)
    (local $budget i32) (local $c i32) (local $r i32) (local $tt i32) (local $low i32)
    (local $limit f64) (local $thr i32) (local $m i32) (local $m2 i32) (local $prev i32)
    (local $rt i32) (local $blockMask i32) (local $up i32) (local $down i32) (local $stale i32)
    (local $mask i32) (local $ft f64) (local $sum f64) (local $cnt f64) (local $n0 i32)

    ;; Keys and the three histograms (COUNTS at 4096, all zero between calls).
    (local.set $scale
      (select (f64.div (f64.const 32767) (local.get $span)) (f64.const 0)
              (f64.gt (local.get $span) (f64.const 0))))
    (local.set $k (i32.const 0))
    (block $end (loop $keys
      (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
      (local.set $q (i32.and
        (i32.trunc_f64_s (f64.mul (f64.sub (f64.load offset=5029888 (i32.shl (i32.add (local.get $k) (local.get $in)) (i32.const 3)))
                                            (local.get $lo))
                                   (local.get $scale)))
        (i32.const 0x7fff)))
      (local.set $g (i32.load offset=5160960 (i32.shl (i32.add (local.get $k) (local.get $in)) (i32.const 2))))
      (local.set $totBits (i32.or (local.get $totBits) (local.get $g)))
      (local.set $d
        (select (i32.const 0)
                (i32.trunc_f64_s (f64.sub (f64.const 255)
                                          (f64.mul (f64.convert_i32_u (local.get $g)) (f64.const 0.04))))
                (i32.ge_u (local.get $g) (i32.const 6375))))
      (i32.store (i32.shl (local.get $k) (i32.const 2))
        (i32.or (i32.or (i32.shl (local.get $q) (i32.const 17)) (i32.shl (local.get $d) (i32.const 9)))
                (local.get $k)))
      (local.set $a (i32.add (i32.const 4096) (i32.shl (local.get $d) (i32.const 2))))
      (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
      (local.set $a (i32.add (i32.const 5120) (i32.shl (i32.and (local.get $q) (i32.const 255)) (i32.const 2))))
      (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
      (local.set $a (i32.add (i32.const 6144) (i32.shl (i32.shr_u (local.get $q) (i32.const 8)) (i32.const 2))))
      (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $keys)))
    (if (i32.ne (i32.shr_u (local.get $totBits) (i32.const 16)) (i32.const 0))
      (then (call $clearCounts) (return (i32.const -1))))

    ;; Exclusive prefix sums of the three histograms.
    (local.set $k (i32.const 0))
    (loop $prefix
      (local.set $a (i32.add (i32.const 4096) (i32.shl (local.get $k) (i32.const 2))))
      (local.set $v (i32.load (local.get $a)))
      (i32.store (local.get $a) (local.get $s0))
      (local.set $s0 (i32.add (local.get $s0) (local.get $v)))
      (local.set $v (i32.load offset=1024 (local.get $a)))
      (i32.store offset=1024 (local.get $a) (local.get $s1))
      (local.set $s1 (i32.add (local.get $s1) (local.get $v)))
      (local.set $v (i32.load offset=2048 (local.get $a)))
      (i32.store offset=2048 (local.get $a) (local.get $s2))
      (local.set $s2 (i32.add (local.get $s2) (local.get $v)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $prefix (i32.lt_u (local.get $k) (i32.const 256))))

    ;; Three stable scatters: KEY (0) -> TMP (2048) -> KEY -> TMP, by ToT digit, tof low, tof high.
    (local.set $k (i32.const 0))
    (block $end (loop $p1
      (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
      (local.set $v (i32.load (i32.shl (local.get $k) (i32.const 2))))
      (local.set $a (i32.add (i32.const 4096)
                             (i32.shl (i32.and (i32.shr_u (local.get $v) (i32.const 9)) (i32.const 255))
                                      (i32.const 2))))
      (local.set $j (i32.load (local.get $a)))
      (i32.store (local.get $a) (i32.add (local.get $j) (i32.const 1)))
      (i32.store offset=2048 (i32.shl (local.get $j) (i32.const 2)) (local.get $v))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $p1)))
    (local.set $k (i32.const 0))
    (block $end (loop $p2
      (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
      (local.set $v (i32.load offset=2048 (i32.shl (local.get $k) (i32.const 2))))
      (local.set $a (i32.add (i32.const 5120)
                             (i32.shl (i32.and (i32.shr_u (local.get $v) (i32.const 17)) (i32.const 255))
                                      (i32.const 2))))
      (local.set $j (i32.load (local.get $a)))
      (i32.store (local.get $a) (i32.add (local.get $j) (i32.const 1)))
      (i32.store (i32.shl (local.get $j) (i32.const 2)) (local.get $v))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $p2)))
    (local.set $k (i32.const 0))
    (block $end (loop $p3
      (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
      (local.set $v (i32.load (i32.shl (local.get $k) (i32.const 2))))
      (local.set $a (i32.add (i32.const 6144) (i32.shl (i32.shr_u (local.get $v) (i32.const 25)) (i32.const 2))))
      (local.set $j (i32.load (local.get $a)))
      (i32.store (local.get $a) (i32.add (local.get $j) (i32.const 1)))
      (i32.store offset=2048 (i32.shl (local.get $j) (i32.const 2)) (local.get $v))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $p3)))
    (call $clearCounts)

    ;; Gather into PTOF (16384), PTOT (20480), CELL (22528); COUNT (26624) zeroed; order checked.
    (local.set $tp (f64.const -inf))
    (local.set $k (i32.const 0))
    (block $end (loop $gather
      (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
      (local.set $r (i32.add (i32.and (i32.load offset=2048 (i32.shl (local.get $k) (i32.const 2))) (i32.const 511))
                               (local.get $in)))
      (local.set $t (f64.load offset=5029888 (i32.shl (local.get $r) (i32.const 3))))
      (local.set $g (i32.load offset=5160960 (i32.shl (local.get $r) (i32.const 2))))
      (f64.store offset=16384 (i32.shl (local.get $k) (i32.const 3)) (local.get $t))
      (i32.store offset=20480 (i32.shl (local.get $k) (i32.const 2)) (local.get $g))
      (i32.store offset=22528 (i32.shl (local.get $k) (i32.const 2))
        (i32.add
          (i32.add (i32.mul (i32.add (i32.load16_u offset=5259264 (i32.shl (local.get $r) (i32.const 1)))
                                     (i32.const 3))
                            (local.get $stride))
                   (i32.load16_u offset=5226496 (i32.shl (local.get $r) (i32.const 1))))
          (i32.const 3)))
      (i32.store offset=26624 (i32.shl (local.get $k) (i32.const 2)) (i32.const 0))
      (local.set $bad (i32.or (local.get $bad)
        (i32.or (f64.gt (local.get $tp) (local.get $t))
                (i32.and (f64.eq (local.get $tp) (local.get $t)) (i32.lt_u (local.get $gp) (local.get $g))))))
      (local.set $tp (local.get $t))
      (local.set $gp (local.get $g))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $gather)))
    (if (local.get $bad) (then (if (i32.eqz (call $insertionFix (local.get $len))) (then (return (i32.const -1))))))

    ;; The walk; ROOT at 24576, block map at 278528, packed cells at 805888.
    (local.set $blockMask (i32.xor (i32.shl (i32.const 7) (i32.sub (local.get $shift) (i32.const 3))) (i32.const -1)))
    (local.set $up (i32.add (i32.mul (i32.const 3) (local.get $stride)) (i32.const 3)))
    (local.set $down (i32.sub (i32.mul (i32.const 3) (local.get $stride)) (i32.const 3)))
    (local.set $k (i32.const 0))
    (block $end (loop $walk
      (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
      (local.set $t (f64.load offset=16384 (i32.shl (local.get $k) (i32.const 3))))
      ;; Positions leaving the time window give up their cells, unless a later hit took them.
      (block $in (loop $leave
        (br_if $in (i32.ge_u (local.get $low) (local.get $k)))
        (br_if $in (f64.lt (f64.sub (local.get $t) (f64.load offset=16384 (i32.shl (local.get $low) (i32.const 3))))
                           (local.get $maxDist)))
        (local.set $c (i32.load offset=22528 (i32.shl (local.get $low) (i32.const 2))))
        (local.set $low (i32.add (local.get $low) (i32.const 1)))
        (if (i32.eq (i32.and (i32.load offset=805888 (i32.shl (local.get $c) (i32.const 2))) (i32.const 0x7fff))
                    (local.get $low))
          (then (i32.store offset=805888 (i32.shl (local.get $c) (i32.const 2)) (i32.const 0))))
        (br $leave)))
      (local.set $c (i32.load offset=22528 (i32.shl (local.get $k) (i32.const 2))))
      (local.set $tt (i32.load offset=20480 (i32.shl (local.get $k) (i32.const 2))))
      (i32.store offset=805888 (i32.shl (local.get $c) (i32.const 2))
        (i32.or (i32.shl (local.get $tt) (i32.const 15)) (i32.add (local.get $k) (i32.const 1))))
      (local.set $limit (f64.mul (f64.convert_i32_u (local.get $tt)) (local.get $totOffset)))
      (local.set $thr
        (if (result i32) (i32.and (f64.ge (local.get $limit) (f64.const 0)) (f64.lt (local.get $limit) (f64.const 65535)))
          (then (i32.or (i32.shl (i32.add (i32.trunc_f64_s (local.get $limit)) (i32.const 1)) (i32.const 15))
                        (i32.const 1)))
          (else (select (i32.const 1) (i32.const 0x7fffffff) (f64.lt (local.get $limit) (f64.const 0))))))
      ;; Ring 1: the smallest candidate position + 1, 0x7fff when none (a cell's value: its
      ;; position + 1 when it reaches thr, else 0x7fff, branch-free as in clusterStreamWalk.ts).
      (local.set $v (i32.load offset=805888 (i32.shl (i32.sub (local.get $c) (i32.const 1)) (i32.const 2))))
      (local.set $m (i32.and
        (i32.or (i32.and (local.get $v) (i32.const 0x7fff))
                (i32.shr_s (i32.sub (local.get $v) (local.get $thr)) (i32.const 31)))
        (i32.const 0x7fff)))
      (local.set $v (i32.load offset=805888 (i32.shl (i32.add (local.get $c) (i32.const 1)) (i32.const 2))))
      (local.set $m2 (i32.and
        (i32.or (i32.and (local.get $v) (i32.const 0x7fff))
                (i32.shr_s (i32.sub (local.get $v) (local.get $thr)) (i32.const 31)))
        (i32.const 0x7fff)))
      (local.set $m (select (local.get $m) (local.get $m2) (i32.lt_u (local.get $m) (local.get $m2))))
      (local.set $v (i32.load offset=805888 (i32.shl (i32.sub (local.get $c) (local.get $stride)) (i32.const 2))))
      (local.set $m2 (i32.and
        (i32.or (i32.and (local.get $v) (i32.const 0x7fff))
                (i32.shr_s (i32.sub (local.get $v) (local.get $thr)) (i32.const 31)))
        (i32.const 0x7fff)))
      (local.set $m (select (local.get $m) (local.get $m2) (i32.lt_u (local.get $m) (local.get $m2))))
      (local.set $v (i32.load offset=805888 (i32.shl (i32.add (local.get $c) (local.get $stride)) (i32.const 2))))
      (local.set $m2 (i32.and
        (i32.or (i32.and (local.get $v) (i32.const 0x7fff))
                (i32.shr_s (i32.sub (local.get $v) (local.get $thr)) (i32.const 31)))
        (i32.const 0x7fff)))
      (local.set $m (select (local.get $m) (local.get $m2) (i32.lt_u (local.get $m) (local.get $m2))))
      (local.set $prev (i32.sub (local.get $m) (i32.const 1)))
      (if (i32.eq (local.get $m) (i32.const 0x7fff))
        (then
          (local.set $prev (local.get $k))
          (local.set $stale (i32.add (local.get $stamp) (local.get $low)))
          ;; The 7 x 7 neighbourhood lies in the blocks of its 4 corners.
          (if (i32.or
                (i32.or (i32.gt_s (call $block (i32.sub (local.get $c) (local.get $up)) (local.get $blockMask)) (local.get $stale))
                        (i32.gt_s (call $block (i32.sub (local.get $c) (local.get $down)) (local.get $blockMask)) (local.get $stale)))
                (i32.or (i32.gt_s (call $block (i32.add (local.get $c) (local.get $down)) (local.get $blockMask)) (local.get $stale))
                        (i32.gt_s (call $block (i32.add (local.get $c) (local.get $up)) (local.get $blockMask)) (local.get $stale))))
            (then (local.set $prev (call $searchOuter (local.get $c) (local.get $thr) (local.get $k)))))))
      (local.set $rt
        (select (local.get $k) (i32.load offset=24576 (i32.shl (local.get $prev) (i32.const 2)))
                (i32.eq (local.get $prev) (local.get $k))))
      (i32.store offset=24576 (i32.shl (local.get $k) (i32.const 2)) (local.get $rt))
      (local.set $a (i32.shl (local.get $rt) (i32.const 2)))
      (i32.store offset=26624 (local.get $a) (i32.add (i32.load offset=26624 (local.get $a)) (i32.const 1)))
      (i32.store offset=278528
        (i32.shl (i32.and (i32.shr_s (local.get $c) (i32.const 3)) (local.get $blockMask)) (i32.const 2))
        (i32.add (i32.add (local.get $stamp) (local.get $k)) (i32.const 1)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $walk)))
    ;; Clear the cells still set.
    (block $end (loop $clear
      (br_if $end (i32.ge_u (local.get $low) (local.get $len)))
      (i32.store offset=805888
        (i32.shl (i32.load offset=22528 (i32.shl (local.get $low) (i32.const 2))) (i32.const 2)) (i32.const 0))
      (local.set $low (i32.add (local.get $low) (i32.const 1)))
      (br $clear)))

    ;; Sums per root: STOT 28672, SX 32768, SY 36864, ST 40960 (from 0), MTOT 45056 (from -1).
    (local.set $k (i32.const 0))
    (block $end (loop $zero
      (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
      (local.set $a (i32.shl (local.get $k) (i32.const 3)))
      (f64.store offset=28672 (local.get $a) (f64.const 0))
      (f64.store offset=32768 (local.get $a) (f64.const 0))
      (f64.store offset=36864 (local.get $a) (f64.const 0))
      (f64.store offset=40960 (local.get $a) (f64.const 0))
      (f64.store offset=45056 (local.get $a) (f64.const -1))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $zero)))
    (local.set $mask (i32.sub (local.get $stride) (i32.const 1)))
    (local.set $k (i32.const 0))
    (block $end (loop $sums
      (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
      (local.set $a (i32.shl (i32.load offset=24576 (i32.shl (local.get $k) (i32.const 2))) (i32.const 3)))
      (local.set $ft (f64.convert_i32_u (i32.load offset=20480 (i32.shl (local.get $k) (i32.const 2)))))
      (local.set $c (i32.load offset=22528 (i32.shl (local.get $k) (i32.const 2))))
      (f64.store offset=28672 (local.get $a) (f64.add (f64.load offset=28672 (local.get $a)) (local.get $ft)))
      (f64.store offset=32768 (local.get $a)
        (f64.add (f64.load offset=32768 (local.get $a))
                 (f64.mul (f64.convert_i32_s (i32.sub (i32.and (local.get $c) (local.get $mask)) (i32.const 3)))
                          (local.get $ft))))
      (f64.store offset=36864 (local.get $a)
        (f64.add (f64.load offset=36864 (local.get $a))
                 (f64.mul (f64.convert_i32_s (i32.sub (i32.shr_s (local.get $c) (local.get $shift)) (i32.const 3)))
                          (local.get $ft))))
      (f64.store offset=40960 (local.get $a)
        (f64.add (f64.load offset=40960 (local.get $a))
                 (f64.mul (f64.load offset=16384 (i32.shl (local.get $k) (i32.const 3))) (local.get $ft))))
      (if (f64.gt (local.get $ft) (f64.load offset=45056 (local.get $a)))
        (then (f64.store offset=45056 (local.get $a) (local.get $ft))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $sums)))

    ;; Centroids of the kept clusters in root order; OUT columns of 4096 f64 from 49152: trigger,
    ;; x, y, tof, tot avg, tot max, size.
    (local.set $n0 (global.get $nOut))
    (local.set $j (local.get $n0))
    (local.set $k (i32.const 0))
    (block $end (loop $emit
      (br_if $end (i32.ge_u (local.get $k) (local.get $len)))
      (local.set $cnt (f64.convert_i32_s (i32.load offset=26624 (i32.shl (local.get $k) (i32.const 2)))))
      (if (i32.and (i32.eq (i32.load offset=24576 (i32.shl (local.get $k) (i32.const 2))) (local.get $k))
                   (i32.eqz (f64.lt (local.get $cnt) (local.get $minSize))))
        (then
          (local.set $a (i32.shl (local.get $k) (i32.const 3)))
          (local.set $sum (f64.load offset=28672 (local.get $a)))
          (local.set $r (i32.shl (local.get $j) (i32.const 3)))
          (f64.store offset=49152 (local.get $r) (local.get $trig))
          (f64.store offset=81920 (local.get $r) (f64.div (f64.load offset=32768 (local.get $a)) (local.get $sum)))
          (f64.store offset=114688 (local.get $r) (f64.div (f64.load offset=36864 (local.get $a)) (local.get $sum)))
          (f64.store offset=147456 (local.get $r) (f64.div (f64.load offset=40960 (local.get $a)) (local.get $sum)))
          (f64.store offset=180224 (local.get $r) (f64.div (local.get $sum) (local.get $cnt)))
          (f64.store offset=212992 (local.get $r) (f64.load offset=45056 (local.get $a)))
          (f64.store offset=245760 (local.get $r) (local.get $cnt))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $emit)))
    (global.set $nOut (local.get $j))
    (i32.sub (local.get $j) (local.get $n0)))

  ;; The block map entry of cell c.
  (func $block (param $c i32) (param $blockMask i32) (result i32)
    (i32.load offset=278528
      (i32.shl (i32.and (i32.shr_s (local.get $c) (i32.const 3)) (local.get $blockMask)) (i32.const 2))))

  (func $clearCounts
    (local $a i32)
    (loop $z
      (v128.store offset=4096 (local.get $a) (v128.const i64x2 0 0))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (br_if $z (i32.lt_u (local.get $a) (i32.const 3072)))))

  ;; clusterStreamSort.ts's insertionFix on PTOF, PTOT, CELL: 0 when over budget.
  (func $insertionFix (param $len i32) (result i32)
    (local $j i32) (local $i i32) (local $t f64) (local $g i32) (local $c i32) (local $tp f64)
    (local $budget i32)
    (local.set $budget (i32.add (i32.shl (local.get $len) (i32.const 3)) (i32.const 64)))
    (local.set $j (i32.const 1))
    (block $end (loop $outer
      (br_if $end (i32.ge_u (local.get $j) (local.get $len)))
      (local.set $t (f64.load offset=16384 (i32.shl (local.get $j) (i32.const 3))))
      (local.set $g (i32.load offset=20480 (i32.shl (local.get $j) (i32.const 2))))
      (local.set $c (i32.load offset=22528 (i32.shl (local.get $j) (i32.const 2))))
      (local.set $i (local.get $j))
      (block $placed (loop $shift
        (br_if $placed (i32.eqz (local.get $i)))
        (local.set $tp (f64.load offset=16376 (i32.shl (local.get $i) (i32.const 3))))
        (br_if $placed (f64.lt (local.get $tp) (local.get $t)))
        (br_if $placed (i32.and (f64.eq (local.get $tp) (local.get $t))
                                (i32.ge_u (i32.load offset=20476 (i32.shl (local.get $i) (i32.const 2))) (local.get $g))))
        (f64.store offset=16384 (i32.shl (local.get $i) (i32.const 3)) (local.get $tp))
        (i32.store offset=20480 (i32.shl (local.get $i) (i32.const 2))
          (i32.load offset=20476 (i32.shl (local.get $i) (i32.const 2))))
        (i32.store offset=22528 (i32.shl (local.get $i) (i32.const 2))
          (i32.load offset=22524 (i32.shl (local.get $i) (i32.const 2))))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $shift)))
      (f64.store offset=16384 (i32.shl (local.get $i) (i32.const 3)) (local.get $t))
      (i32.store offset=20480 (i32.shl (local.get $i) (i32.const 2)) (local.get $g))
      (i32.store offset=22528 (i32.shl (local.get $i) (i32.const 2)) (local.get $c))
      (local.set $budget (i32.sub (local.get $budget) (i32.sub (local.get $j) (local.get $i))))
      (if (i32.lt_s (local.get $budget) (i32.const 0)) (then (return (i32.const 0))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $outer)))
    (i32.const 1))
)

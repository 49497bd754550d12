{ A POS checkout through the Delphi declarations, compiled with fpc -Mdelphi (ctest:
  binding_pascal). Usage: pos_checkout <database file> <programme.json> <club.json>, club.json
  being the example programme with tests/bindings/extras.json added. Exits 1 on a failed check. }
program pos_checkout;

{$IFDEF FPC}{$MODE DELPHI}{$H+}{$CODEPAGE UTF8}{$ENDIF}
{$IFNDEF FPC}{$APPTYPE CONSOLE}{$ENDIF}

uses
  SysUtils, Classes, loyalty_capi, loyalty, loyalty_office;

var
  Failures: Integer = 0;

const
  NowMs: Int64 = 1764000000000;
  DayMs: Int64 = 86400000;

procedure Expect(Ok: Boolean; const What: string);
begin
  if Ok then
    WriteLn('  ok    ', What)
  else
  begin
    WriteLn('  FAIL  ', What);
    Inc(Failures);
  end;
end;

{ The bytes of a file another handle holds open. }
function FileBytes(const Path: string): RawByteString;
var
  S: TFileStream;
begin
  S := TFileStream.Create(Path, fmOpenRead or fmShareDenyNone);
  try
    SetLength(Result, S.Size);
    if S.Size > 0 then
      S.ReadBuffer(Result[1], S.Size);
  finally
    S.Free;
  end;
end;

{ A till that checkpoints when idle: the log's pages go into the file on its call. }
procedure ManualCheckpoint(const Path: string);
var
  Till: TLoyDatabase;
  Frames, Copied, I: Int32;
  Before: RawByteString;
begin
  Till := TLoyDatabase.Open(Path, 'IRT', False, LOY_CHECKPOINT_MANUAL);
  try
    for I := 0 to 19 do
      Till.Enrol(Format('0912100%.4d', [I]), 'm');
    Before := FileBytes(Path);
    Till.Checkpoint(Frames, Copied);
    Expect((Frames > 0) and (Copied = Frames), 'a manual checkpoint copies the log');
    Expect(FileBytes(Path) <> Before, 'the log''s pages are in the file');
  finally
    Till.Free;
  end;
end;

{ Rewards, partners, draws, batches, member search and import, the tier review, segments, a
  campaign and the dashboard, through the classes (loyalty and loyalty_office). }
procedure Club(const Path, Programme: string);
var
  Db: TLoyDatabase;
  F: TLoyMemberFields;
  Sara, M: TLoyMember;
  Q: TLoyMemberQuery;
  Page: TLoyMembers;
  Imported: TLoyImportResult;
  R: TLoyRedemption;
  Rows: TLoyRows;
  Next: Int64;
  Cart: TLoyBasket;
  Quoted: TLoyQuote;
  Sale: TLoyReceipt;
  Batch: Int64;
  Codes: TLoyStrings;
  Review: TLoyTierReview;
  Status: TLoyTierStatus;
  Sent: TLoyCampaignSend;
  Refused: Int32;
  I: Integer;
  Sum: Int64;
  Card: string;
  Claims: string;
begin
  Db := TLoyDatabase.Open(Path, 'IRT');
  try
    Db.SetClock(NowMs);
    Expect((Db.LoadProgrammeFile(Programme) = 1) and (Db.ProgrammeVersion = 1), 'club: programme');
    F := TLoyMemberFields.Empty;
    F.Phone := '09123456789';
    F.Name := 'سارا';
    F.Tags := 'coffee';
    F.ConsentSms := 1;
    F.BirthYear := 1990;
    F.BirthMonth := 5;
    F.BirthDay := 17;
    Sara := Db.EnrolFields(F);
    Expect((Sara.BirthYear = 1990) and (Sara.BirthDay = 17) and Sara.ConsentSms and
      (not Sara.ConsentEmail) and (Sara.CreatedAt = NowMs), 'club: every member field comes back');
    Expect(Db.AdjustPoints(Sara.Id, 400, 'opening balance', 'mgr', 'X-adjust-1') = 400, 'club: adjusted');
    Refused := LOY_OK;
    try
      Db.AdjustPoints(Sara.Id, 600, 'complaint', 'mgr', 'X-big-1');
    except
      on E: ELoyDeclined do Refused := E.Status;
    end;
    Expect(Refused = LOY_ERR_NEEDS_APPROVAL, 'club: an adjustment above 500 needs a second operator');
    Expect(Db.AdjustPoints(Sara.Id, 600, 'complaint', 'mgr', 'X-big-2', 'reza') = 1000,
      'club: approved by another operator');
    Expect((Db.History(Sara.Id)[0].Approver = 'reza') and (Db.History(Sara.Id)[0].OperatorId = 'mgr'),
      'club: the history says who');
    Expect(Db.AdjustPoints(Sara.Id, -600, 'back to 400', 'mgr', 'X-big-3', 'reza') = 400,
      'club: taken back, approved');
    Expect(Db.FindByPhone('0912 345 6789').Id = Sara.Id, 'club: found by phone');

    Imported := Db.ImportMembersCsv('phone,name,tags'#10'09121111111,Ali,coffee'#10 +
      '09122222222,Reza,tea'#10, True);
    Q := Default(TLoyMemberQuery);
    Expect((Imported.Rows = 2) and (Imported.Imported = 0) and (Length(Imported.Errors) = 0) and
      (Length(Db.SearchMembers(Q)) = 1), 'club: a dry-run import writes nothing');
    Imported := Db.ImportMembersCsv('phone,name'#10'09121111111,Ali'#10'12,Bad'#10);
    Expect((Imported.Imported = 0) and (Length(Imported.Errors) = 1) and
      (Imported.Errors[0].Int('row') = 3) and
      (Imported.Errors[0].Text('status') = 'LOY_ERR_INVALID_PHONE'), 'club: a bad row fails the import');
    Expect(Db.ImportMembersCsv('phone,name,tags'#10'09121111111,Ali,coffee'#10 +
      '09122222222,Reza,tea'#10).Imported = 2, 'club: two members imported');
    Q.Tag := 'coffee';
    Page := Db.SearchMembers(Q);
    Expect((Length(Page) = 2) and (Page[0].Id = Sara.Id) and (Page[1].Name = 'Ali'),
      'club: search by tag');
    Q := Default(TLoyMemberQuery);
    Q.Limit := 2;
    Page := Db.SearchMembers(Q);
    Q.Limit := 0;
    Q.AfterId := Page[1].Id;
    Page := Db.SearchMembers(Q);
    Expect((Length(Page) = 1) and (Page[0].Name = 'Reza'), 'club: keyset paging');
    F := TLoyMemberFields.Empty;
    F.Email := 'reza@example.com';
    M := Db.UpdateMember(Page[0].Id, F, 'X-update-1');
    Expect((M.Email = 'reza@example.com') and (M.Name = 'Reza'), 'club: an update keeps other fields');

    R := Db.RedeemReward(Sara.Id, 'free-latte', 2, 'X-reward-1');
    Expect((R.Reward = 'free-latte') and (R.Quantity = 2) and (R.Points = 300) and not R.Replayed,
      'club: a reward');
    Expect(Db.RedeemReward(Sara.Id, 'free-latte', 2, 'X-reward-1').Replayed, 'club: replayed by key');
    Refused := LOY_OK;
    try
      Db.RedeemReward(Sara.Id, 'free-latte', 1, 'X-reward-2');
    except
      on E: ELoyDeclined do Refused := E.Status;
    end;
    Expect(Refused = LOY_ERR_INSUFFICIENT_POINTS, 'club: no points left for a third latte');
    Db.RefundReward(R.Id, 'X-reward-refund-1');
    Expect(Db.Member(Sara.Id).Balance = 400, 'club: a refunded reward gives the points back');
    Expect(Db.RedeemReward(Sara.Id, 'trees', 1, 'X-reward-3').Cause = 'Hyrcanian forests',
      'club: a donation');
    Rows := Db.RewardReport;
    Expect((Length(Rows) = 1) and (Rows[0].Text('reward') = 'trees') and (Rows[0].Int('points') = 50),
      'club: the rewards report');
    Expect((Db.PointsExpiring(Sara.Id, NowMs + 3650 * DayMs, Next) = 350) and (Next > NowMs),
      'club: points expiring');

    Cart := TLoyBasket.Create;
    try
      Cart.SetMember(Sara.Id);
      Cart.AddLine('LATTE', 'coffee', 2000, 150000);
      Cart.AddCoupon('cinema');
      Quoted := Db.Quote(Cart);
      Expect((Length(Quoted.Coupons) = 1) and (Quoted.Coupons[0].Code = 'CINEMA') and
        (Quoted.Coupons[0].Campaign = 'film') and (Quoted.Coupons[0].Status = LOY_OK) and
        (Quoted.Coupons[0].Amount = 40000), 'club: a partner''s coupon in the quote');
      Sum := 0;
      for I := 0 to High(Quoted.LinePoints) do
        Sum := Sum + Quoted.LinePoints[I];
      Expect((Length(Quoted.LinePoints) = 1) and (Sum = Quoted.PointsEarned), 'club: points per line');
      Sale := Db.Commit(Cart, 'X-sale-1');
      Expect((Length(Sale.CouponCodes) = 1) and (Sale.CouponAmounts[0] = 40000),
        'club: the coupon on the receipt');
      Expect(Db.SaleByKey('X-sale-1') = Sale.SaleId, 'club: a sale found by its key');
    finally
      Cart.Free;
    end;
    Cart := TLoyBasket.Create;
    try
      Cart.SetMember(Sara.Id);
      Cart.AddLine('LATTE', 'coffee', 1000, 150000);
      Cart.AddCoupon('YALDA1405');
      Claims := Db.CouponClaims(Cart);
      Expect((Pos('"campaign":"yalda"', Claims) > 0) and (Pos('"member_uses":1', Claims) > 0),
        'club: what a chain''s authority would hold of the coupon');
      Expect(Db.GiftcardClaims(Cart) = '{"cards":[]}', 'club: no gift card to hold');
      Cart.SetGiftcardHold('giftcard-hold-1');
      Cart.SetCouponHold('coupon-hold-1');
      Refused := 0;
      try
        Cart.SetWalletHold('wallet-hold-1', -1);
      except
        on E: ELoyaltyError do Refused := E.Status;
      end;
      Expect(Refused = LOY_ERR_INVALID_AMOUNT, 'club: a wallet hold cannot be negative');
      Cart.SetWalletHold('wallet-hold-1', 1000);
      Next := Db.PublishProgramme(Db.ExportProgramme, Db.Now + 86400000);
      Expect((Next > Db.ProgrammeVersion) and (Db.NextProgramme(Batch) = Next) and
        (Batch > Db.Now), 'club: a programme released for tomorrow');
    finally
      Cart.Free;
    end;
    Rows := Db.PartnerSettlement('cinema');
    Expect((Length(Rows) = 1) and (Rows[0].Text('direction') = 'redeemed here') and
      (Rows[0].Int('partner_funds') = 30000), 'club: the partner funds 75%');

    Batch := Db.CreateCouponBatch('comeback', 3, 'X-batch-1');
    Codes := Db.ExportCouponBatch(Batch);
    Expect((Length(Codes) = 3) and TLoyDatabase.CouponCodeIsValid(Codes[2]), 'club: a batch of codes');
    Expect(Db.Coupon(Codes[0]).BatchId = Batch, 'club: a code knows its batch');
    Db.RecordPartnerRedemption('cinema', Codes[0], 20000, 'X-partner-1');
    Expect(Db.Coupon(Codes[0]).UseCount = 1, 'club: a code used at the partner');

    Expect(Db.EnterDraw('autumn', Sara.Id, 3, 'X-draw-1') = 30, 'club: three entries for 30 points');
    Rows := Db.DrawEntries('autumn');
    Expect((Length(Rows) = 1) and (Rows[0].Int('member') = Sara.Id) and (Rows[0].Int('entries') = 4),
      'club: bought entries and one for the purchase');

    Review := Db.ReviewTiers;
    Expect((Review.Reviewed = 3) and (Review.Upgraded = 0), 'club: the tier review of three members');
    Status := Db.TierStatus(Sara.Id);
    Expect((Status.Tier = 'bronze') and (Status.NextThreshold = 500) and (Status.Multiplier = '1') and
      (Length(Status.Events) > 0) and (Status.Events[0].ToTier = 'bronze'), 'club: tier status');
    Db.AssignTier(Sara.Id, 'silver', 'status match', 'mgr', 'X-assign-1', NowMs + DayMs);
    Status := Db.TierStatus(Sara.Id);
    Expect((Status.Tier = 'silver') and (Status.AssignedTier = 'silver') and
      (Status.AssignedUntil = NowMs + DayMs), 'club: a tier assigned by staff');
    Rows := Db.SegmentMembers('coffee-lovers');
    Expect((Length(Rows) = 1) and (Rows[0].Int('member_id') = Sara.Id), 'club: a segment''s members');
    Sent := Db.SendCampaign('yalda-coffee');
    Expect(Sent.Queued + Sent.Holdout + Sent.Suppressed = 1, 'club: a campaign to the segment');
    Sent := Db.SendCampaign('yalda-coffee');
    Expect(Sent.Queued + Sent.Holdout + Sent.Suppressed = 0, 'club: sent once per member');
    Expect((Length(LoyReports) > 5) and (LoyReports[0].Title <> ''), 'club: the report catalogue');
    Expect(Pos('dir="rtl"', Db.DashboardHtml(LOY_CALENDAR_JALALI)) > 0, 'club: the dashboard');
    Expect(Pos(IntToStr(LOY_VERSION_MAJOR) + '.', LoyVersion) = 1, 'club: the version');
    Expect((Db.Rebuild = 0) and (Db.VerifyReport = ''), 'club: the ledger is consistent');

    Batch := Db.HoldPoints(Sara.Id, 100, 3600000, 'X-hold-1', 'table 7');
    Next := Db.Member(Sara.Id).Available;
    Expect((Db.CaptureHold(Batch, 60, 'X-hold-2') = Db.Member(Sara.Id).Balance) and
      (Db.Member(Sara.Id).Available = Next + 40), 'club: a hold captured in part, the rest released');
    Refused := LOY_OK;
    try
      Db.ReleaseHold(Batch, 'X-hold-3');
    except
      on E: ELoyConflict do Refused := E.Status;
    end;
    Expect(Refused = LOY_ERR_INVALID_STATE, 'club: a captured hold cannot be released');
    Next := Db.CreditWallet(Sara.Id, 100000, 'top-up', 'mgr', 'X-wallet-1');
    Batch := Db.HoldWallet(Sara.Id, 1000, 3600000, 'X-hold-4', 'web 9');
    Expect((Db.Wallet(Sara.Id).Available = Next - 1000) and
      (Db.CaptureWalletHold(Batch, 600, 'X-hold-5') = Next - 600),
      'club: wallet money held and captured in part');
    Db.ReleaseWalletHold(Db.HoldWallet(Sara.Id, 100, 60000, 'X-hold-6'), 'X-hold-7');
    Expect(Db.Wallet(Sara.Id).Available = Next - 600, 'club: a wallet hold released');
    Next := Db.Member(Sara.Id).Balance;
    F := TLoyMemberFields.Empty;
    F.Phone := '09127654321';
    M := Db.EnrolFields(F);
    Expect((Db.TransferPoints(Sara.Id, M.Id, 100, 'X-gift-1', 'gift') = Next - 100) and
      (Db.Member(M.Id).Balance = 100) and (Db.History(M.Id)[0].Kind = LOY_ENTRY_TRANSFER_IN),
      'club: a points transfer');
    Batch := Db.CreateHousehold(Sara.Id, 'X-house-1');
    Db.JoinHousehold(Batch, M.Id, 'X-house-2');
    Expect((Db.HouseholdOf(M.Id, Next) = Batch) and (Next = Sara.Id) and
      (Db.Member(M.Id).Balance = Db.Member(Sara.Id).Balance), 'club: a household shares one balance');
    Db.LeaveHousehold(M.Id, 'X-house-3');
    Expect((Db.HouseholdOf(M.Id, Next) = 0) and (Db.Member(M.Id).Balance = 0),
      'club: a member leaves the household');

    Next := Db.Wallet(Sara.Id).Balance;
    Batch := Db.Stamps(Sara.Id, 'coffee');
    Cart := TLoyBasket.Create;
    try
      Cart.SetMember(Sara.Id);
      Cart.AddLine('LATTE', 'coffee', 1000, 150000);
      Expect(Cart.AddWalletTopup(200000) = 2, 'club: a wallet top-up line');
      Sale := Db.Commit(Cart, 'X-topup-1');
    finally
      Cart.Free;
    end;
    Expect((Sale.Total = 350000) and (Db.Wallet(Sara.Id).Balance = Next + 200000 + Sale.Cashback),
      'club: the top-up is in the wallet');
    Expect(Db.Stamps(Sara.Id, 'coffee') = Batch + 1, 'club: a stamp for the latte');
    Cart := TLoyBasket.Create;
    try
      Cart.SetContext('R-77', 'north', '', '');
      Cart.AddLine('LATTE', 'coffee', 2000, 150000);
      Sale := Db.Commit(Cart, 'X-anon-1');
    finally
      Cart.Free;
    end;
    Expect((Db.SaleByReceipt('R-77') = Sale.SaleId) and
      (Db.SaleByReceipt('R-77', 'north') = Sale.SaleId), 'club: a sale found by its receipt');
    Next := Db.Member(Sara.Id).Balance;
    Sale := Db.ClaimSale(Sale.SaleId, Sara.Id, 'mina', 'X-claim-1');
    Expect((Sale.MemberId = Sara.Id) and (Sale.PointsEarned > 0) and
      (Db.Member(Sara.Id).Balance = Next + Sale.PointsEarned), 'club: a past receipt claimed');
    Refused := 0;
    try
      Db.ClaimSale(Sale.SaleId, M.Id, '', 'X-claim-2');
    except
      on E: ELoyConflict do Refused := E.Status;
    end;
    Expect(Refused = LOY_ERR_DUPLICATE, 'club: a receipt is claimed once');

    Card := Db.SellGiftCard(500000, 'X-gc-1', 'R1', 'mina');
    Cart := TLoyBasket.Create;
    try
      Cart.AddLine('LATTE', 'coffee', 2000, 150000);
      Cart.PayGiftCard(Card, 200000);
      Expect(Db.Quote(Cart).GiftCardAmount = 200000, 'club: a gift card in the quote');
      Sale := Db.Commit(Cart, 'X-gc-0');
    finally
      Cart.Free;
    end;
    Expect((Sale.GiftCardAmount = 200000) and (Sale.AmountDue = 100000) and
      (Db.GiftCardBalance(Card) = 300000), 'club: a gift card as a tender in the basket');
    Sale := Db.VoidSale(Sale.SaleId, 'X-gc-00');
    Expect((Sale.GiftCardAmount = 200000) and (Sale.MoneyBack = 100000) and
      (Db.GiftCardBalance(Card) = 500000), 'club: credited back when the sale is voided');
    Expect((Db.SellGiftCard(500000, 'X-gc-1', 'R1', 'mina') = Card) and
      (Db.LoadGiftCard(Card, 200000, 'X-gc-2') = 700000) and
      (Db.RedeemGiftCard(Card, 300000, 'X-gc-3') = 400000) and
      (Db.RefundGiftCard(Card, 100000, 'X-gc-5') = 500000) and (Db.GiftCardBalance(Card) = 500000),
      'club: a gift card sold, loaded, spent in part and credited back');
    Refused := LOY_OK;
    try
      Db.RedeemGiftCard(Card, 600000, 'X-gc-4');
    except
      on E: ELoyDeclined do Refused := E.Status;
    end;
    Expect(Refused = LOY_ERR_INSUFFICIENT_FUNDS, 'club: not beyond its balance');

    Db.SetClock(NowMs + 7 * DayMs);
    Rows := Db.RunDraw('autumn', 'published seed', 1, 'X-draw-run-1');
    Expect((Length(Rows) = 1) and (Rows[0].Int('member') = Sara.Id), 'club: the draw''s winner');
  finally
    Db.Free;
  end;
end;

var
  Db, Member, Basket, Quote, Receipt, Again, Refund: Pointer;
  Err: TLoyError;
  Fields: Tloy_member_fields;
  Version, MemberId, SaleId: Int64;
  LineNo: Int32;
  Phone, Name, Key, Sku, Cat, Prog: UTF8String;
  Status: Int32;
  Options: Tloy_report_options;
  Table: Pointer;
  Row: Int64;
  Shop, Branch: TLoyDatabase;
  Cart: TLoyBasket;
  Sara: TLoyMember;
  Sale, Back: TLoyReceipt;
  Found: Boolean;
  Queued: Int64;
  Records, Heads: TLoyJournal;
  Profiles: TLoyProfiles;
  Duplicates: Int64;
begin
  Db := OpenDatabase(ParamStr(1), 'IRT');
  try
    Err := NewError;
    Check(loy_set_clock(Db, 1764000000000, @Err), Err);
    Prog := ToUtf8(ParamStr(2));
    Check(loy_program_load_file(Db, PAnsiChar(Prog), @Version, @Err), Err);
    Expect(Version = 1, 'programme loaded as version 1');
    Found := False;
    try
      CheckVersion(10400);
    except
      on E: Exception do Found := Pos('libloyalty 1.4.0 was loaded', E.Message) > 0;
    end;
    Expect(Found, 'a library of another major version is refused');

    { Persian digits and a Persian name, passed as PAnsiChar(UTF8String(...)). }
    loy_member_fields_init(@Fields);
    Phone := UTF8String('۰۹۱۲ ۳۴۵ ۶۷۸۹');
    Name := UTF8String('سارا');
    Fields.phone := PAnsiChar(Phone);
    Fields.name := PAnsiChar(Name);
    Fields.consent_sms := 1;
    Check(loy_member_enrol(Db, @Fields, 'T1-enrol-1', @Member, @Err), Err);
    MemberId := loy_member_id(Member);
    Expect(FromUtf8(loy_member_phone(Member)) = '+989123456789', 'Persian digits normalised');
    Expect(UTF8String(loy_member_name(Member)) = Name, 'UTF-8 name round trip');
    loy_member_free(Member);

    Check(loy_basket_new(@Basket, @Err), Err);
    Check(loy_basket_set_member(Basket, MemberId, @Err), Err);
    Check(loy_basket_set_context(Basket, 'R-1', 'tehran-1', 'T1', nil, @Err), Err);
    Sku := 'LATTE';
    Cat := 'coffee';
    Check(loy_basket_add_line(Basket, PAnsiChar(Sku), PAnsiChar(Cat), 2000, 150000, 0, @LineNo, @Err), Err);
    Expect(LineNo = 1, 'line 1');
    Check(loy_basket_add_line(Basket, 'WATER', 'drinks', 1000, 100000, 0, @LineNo, @Err), Err);
    Expect(LineNo = 2, 'line 2');
    Check(loy_quote_basket(Db, Basket, @Quote, @Err), Err);
    Expect((loy_quote_total(Quote) = 400000) and (loy_quote_points_earned(Quote) = 70),
      'quote: 400,000 earns 70 points');
    loy_quote_free(Quote);

    Key := 'T1-R-1';
    Check(loy_commit(Db, Basket, PAnsiChar(Key), @Receipt, @Err), Err);
    Expect((loy_receipt_replayed(Receipt) = 0) and (loy_receipt_points_earned(Receipt) = 70) and
      (loy_receipt_balance_after(Receipt) = 70), 'commit earns 70');
    SaleId := loy_receipt_sale_id(Receipt);
    Check(loy_commit(Db, Basket, PAnsiChar(Key), @Again, @Err), Err);
    Expect((loy_receipt_replayed(Again) = 1) and (loy_receipt_sale_id(Again) = SaleId),
      'retry with the same key is a replay');
    WriteLn('  receipt ', FromUtf8(loy_receipt_uid(Receipt)), ', total ',
      FormatMoney(Db, loy_receipt_total(Receipt), 'IRT'), ' toman');
    loy_receipt_free(Again);
    loy_receipt_free(Receipt);
    loy_basket_free(Basket);

    { Refund the water: its 10 points come back off the balance. }
    Check(loy_refund_new(@Refund, @Err), Err);
    Check(loy_refund_add_line(Refund, 2, 1000, @Err), Err);
    Check(loy_refund_sale(Db, SaleId, Refund, 'T1-refund-1', @Receipt, @Err), Err);
    Expect((loy_receipt_kind(Receipt) = LOY_RECEIPT_REFUND) and
      (loy_receipt_refund_amount(Receipt) = 100000) and (loy_receipt_balance_after(Receipt) = 60),
      'water refunded: balance 60');
    loy_receipt_free(Receipt);
    loy_refund_free(Refund);

    { A refusal: the status code, a message, out-parameters cleared, nothing written. }
    loy_member_fields_init(@Fields);
    Fields.phone := '12';
    Member := Pointer(1);
    Status := loy_member_enrol(Db, @Fields, nil, @Member, @Err);
    Expect((Status = LOY_ERR_INVALID_PHONE) and (Member = nil) and (Err.code = Status) and
      (Err.message[0] <> #0), 'bad phone refused: ' + FromUtf8(@Err.message[0]));
    try
      Check(Status, Err);
      Expect(False, 'Check raises');
    except
      on E: ELoyaltyError do
        Expect((E.Status = LOY_ERR_INVALID_PHONE) and (E.StatusName = 'LOY_ERR_INVALID_PHONE') and
          not E.Transient, 'ELoyaltyError carries the status');
    end;
    Check(loy_member_get(Db, MemberId, @Member, @Err), Err);
    Expect(loy_member_balance(Member) = 60, 'balance unchanged by the refusal');
    loy_member_free(Member);

    { The manager's report by Jalali month: the record layout of loy_report_options must match C. }
    loy_report_options_init(@Options);
    Options.group_by := LOY_GROUP_MONTH;
    Options.calendar := LOY_CALENDAR_JALALI;
    Check(loy_report(Db, 'sales', @Options, @Table, @Err), Err);
    Found := False;
    for Row := 0 to Int64(loy_table_row_count(Table)) - 1 do
      if FromUtf8(loy_table_text(Table, Row, 0)) = '1404-09' then
        Found := (loy_table_int(Table, Row, 2) = 300000) and
          (FromUtf8(loy_table_text(Table, Row, 8)) = '100.0');
    Expect(Found, 'sales report: Azar 1404 revenue 300,000, all by members');
    loy_table_free(Table);

    { The outbox: welcome and the receipt, in Persian; acknowledged once sent. }
    Check(loy_messages_generate(Db, 0, @Queued, @Err), Err);
    Expect(Queued = 2, 'two messages due');
    Check(loy_outbox_fetch(Db, 0, 10, 60000, @Table, @Err), Err);
    Expect((loy_table_row_count(Table) = 2) and
      (Pos(UTF8String('۷۰ امتیاز'), UTF8String(loy_table_text(Table, 1, 7))) > 0),
      'receipt SMS: ' + FromUtf8(loy_table_text(Table, 1, 7)));
    for Row := 0 to Int64(loy_table_row_count(Table)) - 1 do
      Check(loy_outbox_ack(Db, loy_table_int(Table, Row, 0), LOY_DELIVERY_SENT, nil, 0, @Err), Err);
    loy_table_free(Table);
  finally
    loy_close(Db);
  end;

  { The same sale through the unit's classes (what a VCL form would call), on a second file. }
  Shop := TLoyDatabase.Open(ParamStr(1) + '-classes.db', 'IRT');
  try
    Shop.SetClock(1764000000000);
    Expect(Shop.LoadProgrammeFile(ParamStr(2)) = 1, 'classes: programme loaded');
    Sara := Shop.Enrol('۰۹۱۲ ۳۴۵ ۶۷۸۹', 'سارا', 'C-enrol-1');
    Expect(Sara.Phone = '+989123456789', 'classes: Persian digits normalised');
    Expect(Shop.Identify('09123456789').Id = Sara.Id, 'classes: identified by phone');
    Cart := TLoyBasket.Create;
    try
      Cart.SetMember(Sara.Id);
      Cart.SetContext('R-9', 'tehran-1', 'T1', '');
      Expect(Cart.AddLine('LATTE', 'coffee', 2000, 150000) = 1, 'classes: line 1');
      Sale := Shop.Commit(Cart, 'C-sale-1');
      Expect((not Sale.Replayed) and (Sale.PointsEarned = 60) and (Sale.Total = 300000),
        'classes: the sale earns 60 points');
      Expect(Shop.Commit(Cart, 'C-sale-1').Replayed, 'classes: the same key is a replay');
    finally
      Cart.Free;
    end;
    Back := Shop.RefundAll(Sale.SaleId, 'C-refund-1');
    Expect((Back.RefundAmount = 300000) and (Back.MoneyBack = 300000) and
      (Shop.Member(Sara.Id).Balance = 0), 'classes: refunded, 300,000 handed back');
    Expect(Pos('libloyalty member export 1', Shop.ExportMember(Sara.Id)) > 0,
      'classes: the member''s data export');
    Expect(Shop.FormatMoney(1250000, 'IRT') = '1,250,000', 'classes: money formatted');
    Cart := TLoyBasket.Create;
    try
      Cart.SetMember(Sara.Id);
      Cart.AddLine('LATTE', 'coffee', 2000, 150000);
      Cart.AddCoupon(Shop.IssueCoupon('comeback', Sara.Id, 'C-coupon-1'));
      Expect(Shop.Commit(Cart, 'C-sale-2').Total = 300000 - 50000,
        'classes: a coupon at checkout takes 50,000 off');
    finally
      Cart.Free;
    end;
    Expect(Shop.Verify = 0, 'classes: the ledger verifies');
    Expect(Shop.MemberByUid(Sara.Uid).Id = Sara.Id, 'classes: a member found by its chain-wide id');
    Expect(Shop.ReceiptByUid(Sale.Uid).Total = 300000, 'classes: a receipt found again by its id');
    Expect(Pos(Shop.OriginName + ':', Sale.Uid) = 1, 'classes: ids carry the origin');
    Shop.Deactivate(Sara.Id, 'C-deact-1');
    Shop.Reactivate(Sara.Id, 'C-react-1');
    Expect(Shop.JournalCount(Shop.JournalCount - 2) = 2, 'classes: member events are records');
    Branch := TLoyDatabase.Open(ParamStr(1) + '-branch.db', 'IRT');
    try
      Branch.LoadProgrammeFile(ParamStr(2));
      Expect(Branch.ApplyJournalFrom(Shop) = Shop.JournalCount, 'classes: another till applies the journal');
      Expect(Branch.ApplyJournalFrom(Shop) = 0, 'classes: applied again, nothing changes');
      Expect(Branch.MemberByUid(Sara.Uid).Balance = Shop.MemberByUid(Sara.Uid).Balance,
        'classes: the same balance in both files');
      Records := Shop.Journal;
      Expect((Length(Records) = Shop.JournalCount) and (Records[1].Prev = Records[0].Hash),
        'classes: the journal''s records, each chained to the one before');
      Expect((Branch.ApplyJournal(Records, Duplicates) = 0) and (Duplicates = Length(Records)),
        'classes: records held already are duplicates');
      Heads := Branch.JournalHeads;
      Expect((Length(Heads) = 1) and (Heads[0].Seq = Records[High(Records)].Seq),
        'classes: the last record held of each origin');
    finally
      Branch.Free;
    end;
    { The records with the profiles of the members they bring, in one transaction. }
    Branch := TLoyDatabase.Open(ParamStr(1) + '-branch2.db', 'IRT');
    try
      Branch.LoadProgrammeFile(ParamStr(2));
      SetLength(Profiles, 2);
      Profiles[0].Uid := Sara.Uid;
      Profiles[0].Fields := TLoyMemberFields.Empty;
      Profiles[0].Fields.Phone := Sara.Phone;
      Profiles[0].Fields.Name := Sara.Name;
      Profiles[1].Uid := Copy(Sara.Uid, 1, Pos(':', Sara.Uid)) + 'M99'; { no such member: passed over }
      Profiles[1].Fields := TLoyMemberFields.Empty;
      Profiles[1].Fields.Phone := '09120000099';
      Expect(Branch.ApplyJournal(Records, Profiles, Duplicates) = Length(Records),
        'classes: the records and their members'' profiles applied together');
      Expect((Branch.Identify(Sara.Phone).Uid = Sara.Uid) and
        (Branch.Identify(Sara.Phone).Name = Sara.Name),
        'classes: a member arrives with the profile that came with the records');
    finally
      Branch.Free;
    end;
    try
      Shop.Enrol('12', 'bad');
      Expect(False, 'classes: a bad phone is refused');
    except
      on E: ELoyInvalidInput do Expect((E.Status = LOY_ERR_INVALID_PHONE) and
        (E.Family = LOY_FAMILY_INVALID_INPUT), 'classes: an ELoyInvalidInput, ' + E.StatusName);
    end;
    Found := False;
    try
      Shop.Member(999);
    except
      on E: ELoyNotFound do Found := True;
    end;
    Expect(Found, 'classes: an unknown member is an ELoyNotFound');
    Expect((LoyErrorClass(LOY_ERR_BUSY) = ELoyTransient) and (LoyErrorClass(LOY_ERR_READONLY) = ELoyFailure)
      and (LoyErrorClass(LOY_ERR_OUT_OF_STOCK) = ELoyDeclined), 'classes: one exception per status family');
  finally
    Shop.Free;
  end;
  Club(ParamStr(1) + '-club.db', ParamStr(3));
  ManualCheckpoint(ParamStr(1) + '-manual.db');
  if Failures = 0 then
    WriteLn('Pascal binding: all checks passed')
  else
    WriteLn('Pascal binding: ', Failures, ' failed');
  if Failures <> 0 then
    Halt(1);
end.

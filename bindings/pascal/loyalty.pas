{ libloyalty for Delphi and Free Pascal: a thin idiomatic layer over loyalty_capi (generated).
  Strings go in as PAnsiChar(UTF8String(S)) and come back through FromUtf8; every failure raises
  ELoyaltyError carrying the C status code. Compiles with Delphi and with fpc -Mdelphi. }
unit loyalty;

{$IFDEF FPC}{$MODE DELPHI}{$H+}{$ENDIF}

interface

uses
  SysUtils, loyalty_capi;

type
  ELoyaltyError = class(Exception)
  public
    Status: Int32;
    StatusName: string;
    Detail: string;
    constructor CreateStatus(AStatus: Int32; const ADetail: string);
    function Transient: Boolean;
  end;

  TLoyError = Tloy_error;

{ A fresh loy_error for one call. }
function NewError: TLoyError;
{ Raises ELoyaltyError when AStatus is not LOY_OK. }
procedure Check(AStatus: Int32; const AErr: TLoyError);
{ UTF-8 text owned by the library (or a buffer) as a native string. }
function FromUtf8(P: PAnsiChar): string;
{ A native string as UTF-8 for the library: keep the result alive for the call. }
function ToUtf8(const S: string): UTF8String;
{ A NULL-or-text argument: nil for an empty string. }
function OptUtf8(const S: UTF8String): PAnsiChar;

{ Opens (creating when missing) a database file; the caller closes it with loy_close. }
function OpenDatabase(const Path, DefaultCurrency: string): Pointer;
{ snprintf-style money formatting. }
function FormatMoney(Db: Pointer; MinorUnits: Int64; const Currency: string): string;
{ Raises when Number (loy_version_number) is of another major version than the header these
  declarations were generated from; the unit checks the loaded library when it initialises. }
procedure CheckVersion(Number: Int32);

implementation

procedure CheckVersion(Number: Int32);
begin
  if Number div 10000 <> LOY_VERSION_MAJOR then
    raise Exception.CreateFmt('libloyalty %d.%d.%d was loaded, but this binding is for %d.x; ' +
      'install a matching library or binding',
      [Number div 10000, Number div 100 mod 100, Number mod 100, LOY_VERSION_MAJOR]);
end;

constructor ELoyaltyError.CreateStatus(AStatus: Int32; const ADetail: string);
begin
  Status := AStatus;
  StatusName := FromUtf8(loy_status_name(AStatus));
  Detail := ADetail;
  inherited Create(StatusName + ': ' + ADetail);
end;

function ELoyaltyError.Transient: Boolean;
begin
  Result := loy_status_is_transient(Status) = 1;
end;

function NewError: TLoyError;
begin
  FillChar(Result, SizeOf(Result), 0);
  loy_error_init(@Result);
end;

procedure Check(AStatus: Int32; const AErr: TLoyError);
begin
  if AStatus <> LOY_OK then
    raise ELoyaltyError.CreateStatus(AStatus, FromUtf8(@AErr.message[0]));
end;

function FromUtf8(P: PAnsiChar): string;
var
  U: UTF8String;
begin
  if P = nil then
    Exit('');
  U := UTF8String(P);
  Result := string(U);
end;

function ToUtf8(const S: string): UTF8String;
begin
  Result := UTF8String(S);
end;

function OptUtf8(const S: UTF8String): PAnsiChar;
begin
  if S = '' then
    Result := nil
  else
    Result := PAnsiChar(S);
end;

function OpenDatabase(const Path, DefaultCurrency: string): Pointer;
var
  Opts: Tloy_open_options;
  Err: TLoyError;
  P, C: UTF8String;
begin
  loy_open_options_init(@Opts);
  P := ToUtf8(Path);
  C := ToUtf8(DefaultCurrency);
  Opts.path := PAnsiChar(P);
  Opts.default_currency := OptUtf8(C);
  Err := NewError;
  Result := nil;
  Check(loy_open(@Opts, @Result, @Err), Err);
end;

function FormatMoney(Db: Pointer; MinorUnits: Int64; const Currency: string): string;
var
  Err: TLoyError;
  Needed: size_t;
  Buf: array of AnsiChar;
  C: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(Currency);
  Needed := 0;
  Check(loy_money_format(Db, MinorUnits, PAnsiChar(C), 1, nil, 0, @Needed, @Err), Err);
  SetLength(Buf, Needed + 1);
  Check(loy_money_format(Db, MinorUnits, PAnsiChar(C), 1, @Buf[0], Length(Buf), @Needed, @Err), Err);
  Result := FromUtf8(@Buf[0]);
end;

initialization
  CheckVersion(loy_version_number);
end.
